/** What other features may use of channels (they never import channels/repo.ts). In the caller's transaction. */
export { getChannel, type ChannelRow } from './repo.js';
export { publicBase, threadIdleMinutes, webhookUrl } from './present.js';
export { decryptCredentials, decryptField, EXOTEL_TOKEN_FIELD, providerClient } from './credentials.js';
export { admitWebSession, type Admission } from './session-admit.js';
export { resumeToken, verifyResumeToken } from './session-token.js';
/**
 * Single use of a signed token bound to a channel (widget session tokens, voice stream tokens) or to none
 * (console voice URLs: `null`): false when already used. Also drops a batch of the org's expired uses.
 */
export { spendSessionToken as spendChannelToken, sweepSessionTokenUses } from './repo.js';
