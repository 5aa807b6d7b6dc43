import type { ClusterRunOptions } from '../cluster/cluster-run.js';
import type { DiscoverInput } from '../run-summary.js';

/**
 * A stage after the import, as it runs across workers: the store worker prepares its input file from
 * the database, a compute worker turns it into an output file, the store worker commits that. Each
 * stage's `prepare…`, `compute…` and `commit…` live in its own folder (src/extract, src/embed…).
 */
export type ComputeStage =
  | { name: 'extract' }
  | { name: 'embed'; embed?: DiscoverInput['embed'] }
  | { name: 'cluster'; vectorPath: string; options: ClusterRunOptions }
  | { name: 'normalize' };
