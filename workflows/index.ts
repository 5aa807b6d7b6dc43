export { discoverRun } from './discover-run.js';
export { promoteRun } from './promote-run.js';
