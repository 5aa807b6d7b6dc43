// The entry of a use-lite embedding worker thread (started by src/embed/use-lite.ts). Plain JavaScript
// on purpose: a worker thread does not inherit the tsx loader its parent registered with `register()`
// (bin/pog.mjs, the Temporal worker) nor vitest's transform, so it registers tsx itself before importing
// the TypeScript module. That works the same whether the parent was started by bin/pog.mjs, by
// `node --import tsx`, or by vitest.
import { register } from 'tsx/esm/api';

register();
const { serveUseLiteWorker } = await import('./use-lite.ts');
serveUseLiteWorker();
