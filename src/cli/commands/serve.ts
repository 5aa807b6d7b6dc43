import { once } from 'node:events';
import type { Config } from '../../config/config.js';
import { PogError } from '../../errors.js';
import { startServer } from '../../serve/server.js';
import { info } from '../output.js';

/** `pog serve`: the reviewers' web page, until Ctrl-C. */
export async function serve(
  config: Config,
  flags: { host?: string | undefined; port?: string | undefined; reviewer?: string | undefined },
): Promise<void> {
  const port = Number(flags.port ?? process.env.POG_SERVE_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new PogError('USAGE', `--port takes a port number, got "${flags.port}".`);
  const running = await startServer({
    db: config.db,
    host: flags.host ?? '127.0.0.1',
    port,
    reviewer: flags.reviewer ?? config.triage.reviewer,
    claimMinutes: config.triage.claimMinutes,
    publicOrigin: process.env.POG_SERVE_ORIGIN || undefined,
    ...(process.env.POG_SERVE_TOKEN ? { token: process.env.POG_SERVE_TOKEN } : {}),
  });
  info(`pog serve: open ${running.url}/#token=${running.token}`);
  info(
    'Reading needs no token; approving, rejecting, editing and merging do (it is in the link). Ctrl-C stops.',
  );
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await running.close();
}
