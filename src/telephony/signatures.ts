/**
 * Inbound webhook signature schemes, one file per provider under ./signatures/. Everything here is pure
 * (no I/O); replay protection lives in ./replay-guard.ts and ./replay-keys.ts, and the combined check a
 * webhook route calls is ./verify-webhook.ts.
 */
export { safeEqual, sha256Hex, sortedParamEntries, headerValue, type FormParams } from './signatures/common.js';
export {
  TWILIO_SIGNATURE_HEADER,
  computeTwilioSignature,
  twilioSignedText,
  verifyTwilioSignature,
  verifyTwilioJsonSignature,
  twilioJsonBodyUrl,
  type VerifyTwilioInput,
  type VerifyTwilioJsonInput,
} from './signatures/twilio.js';
export {
  PLIVO_SIGNATURE_HEADER,
  PLIVO_NONCE_HEADER,
  plivoSigningBase,
  computePlivoV3Signature,
  verifyPlivoV3Signature,
  verifiedPlivoV3Signature,
  type PlivoMethod,
  type PlivoSignatureInput,
} from './signatures/plivo.js';
export {
  META_SIGNATURE_HEADER,
  computeMetaSignature,
  verifyMetaSignature,
  verifyMetaHandshake,
  type MetaHandshakeResult,
} from './signatures/meta.js';
export { createExotelWebhookToken, verifyExotelPathToken } from './signatures/exotel.js';
