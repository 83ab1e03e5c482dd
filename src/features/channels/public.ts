/** What other features may use of channels (they never import channels/repo.ts). In the caller's transaction. */
export { getChannel, type ChannelRow } from './repo.js';
export { threadIdleMinutes, webhookUrl } from './present.js';
export { decryptCredentials, providerClient } from './credentials.js';
export { admitWebSession, type Admission } from './session-admit.js';
export { resumeToken, verifyResumeToken } from './session-token.js';
