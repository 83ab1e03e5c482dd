/** What other features may use of tools (they never import tools/repo.ts). In the caller's transaction. */
export { listToolIds } from './repo.js';
