import { loadConfig } from '../src/config/config.js';
import { PogError } from '../src/errors.js';
import { closeIdleDatabases } from '../src/store/db.js';
import { connectWorker, createPogWorkers, WORKER_ROLES, type WorkerRole } from './worker.js';

/**
 * `pog worker [--role all|store|compute]`: serves a real cluster until SIGINT/SIGTERM. One `store` (or
 * `all`) worker per database file, where the file is; any number of `compute` workers beside it.
 */
export async function runWorker(config = loadConfig(), role: string = 'all'): Promise<void> {
  const address = config.temporal.address;
  if (!address) {
    throw new PogError(
      'NO_TEMPORAL_ADDRESS',
      '`pog worker` serves a real cluster: set TEMPORAL_ADDRESS (host:port). Without it, `pog discover` runs its own worker.',
    );
  }
  if (!(WORKER_ROLES as readonly string[]).includes(role)) {
    throw new PogError('USAGE', `--role is one of ${WORKER_ROLES.join(', ')}; got "${role}".`);
  }
  const connection = await connectWorker(address);
  try {
    const workers = await createPogWorkers({ connection, config, role: role as WorkerRole });
    process.stderr.write(
      `pog worker (${role}): serving ${workers.describe()} in namespace "${config.temporal.namespace}" at ${address}\n`,
    );
    // The SDK shuts the workers down gracefully on SIGINT/SIGTERM (it installs those handlers).
    await workers.run();
  } finally {
    await connection.close();
    closeIdleDatabases();
  }
}
