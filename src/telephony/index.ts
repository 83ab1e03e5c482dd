/** Public surface of the telephony module; see README.md in this folder. */
export * from './signatures.js';
export * from './providers/index.js';
export { createMemoryReplayGuard, type ReplayGuard, type MemoryReplayGuardOptions } from './replay-guard.js';
export {
  REPLAY_POLICY,
  FUTURE_SKEW_MS,
  scopedReplayKey,
  twilioReplayKey,
  plivoReplayKey,
  metaReplayKey,
  exotelReplayKey,
  metaEventIds,
  metaTimestamps,
  twilioTimestamps,
  isWithinWindow,
  type SignedTimestamps,
} from './replay-keys.js';
export {
  verifyInboundWebhook,
  type InboundWebhookRequest,
  type InboundWebhookVerdict,
  type VerifyInboundWebhookInput,
} from './verify-webhook.js';
export { messagingEvents, optKeyword, bareAddress, type MessagingEvent, type DeliveryStatus } from './messages.js';
