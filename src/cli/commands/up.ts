import { once } from 'node:events';
import type { Config } from '../../config/config.js';
import { PogError } from '../../errors.js';
import { startServer } from '../../serve/server.js';
import { info } from '../output.js';
import { withEmbeddedStack } from '../temporal-session.js';

/**
 * `pog up`: the local stack until Ctrl-C. The Temporal dev server (its state in data/temporal, so runs
 * and schedules survive a restart) on the local port every other pog command looks at, a worker, and
 * the reviewers' web page. Stops everything it started, cleanly, on SIGINT or SIGTERM.
 */
export async function up(
  config: Config,
  flags: { host?: string | undefined; port?: string | undefined; reviewer?: string | undefined },
): Promise<void> {
  if (config.temporal.address)
    throw new PogError(
      'USAGE',
      'pog up runs its own Temporal server; with TEMPORAL_ADDRESS set, run `pog worker` and `pog serve` instead.',
    );
  const webPort = Number(flags.port ?? process.env.POG_SERVE_PORT ?? 8787);
  if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65535)
    throw new PogError('USAGE', `--port takes a port number, got "${flags.port}".`);
  const stopping = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await withEmbeddedStack(config, async ({ server, workers }) => {
    const web = await startServer({
      db: config.db,
      host: flags.host ?? '127.0.0.1',
      port: webPort,
      reviewer: flags.reviewer ?? config.triage.reviewer,
      claimMinutes: config.triage.claimMinutes,
      publicOrigin: process.env.POG_SERVE_ORIGIN || undefined,
      ...(process.env.POG_SERVE_TOKEN ? { token: process.env.POG_SERVE_TOKEN } : {}),
    });
    info(
      `pog up: Temporal on ${server.address}${server.owned ? '' : ' (already running)'}, worker on ${workers.describe()}`,
    );
    info(`pog up: review at ${web.url}/#token=${web.token}`);
    info('pog up: ready. Other pog commands use this server; Ctrl-C stops everything.');
    try {
      await workers.runUntil(stopping);
    } finally {
      await web.close();
    }
  });
  info('pog up: stopped.');
}
