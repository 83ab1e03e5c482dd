/**
 * What other features may use of api-keys (they never import api-keys/repo.ts): what authentication needs
 * to resolve a key. In the caller's transaction.
 */
export { API_KEY_PREFIX, getActiveApiKey, touchApiKey, type ApiKeyRow } from './repo.js';
