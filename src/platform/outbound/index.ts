/** Public surface of the guarded outbound client. Everything that leaves the process for a tenant goes through `createSafeFetch`. */
export { createSafeFetch, type SafeFetch, type SafeFetchInit, type SafeFetchOptions } from './safe-fetch.js';
export type { SafeResponse } from './response.js';
export { createStreamingFetch, type StreamingFetch, type StreamingFetchOptions } from './streaming-fetch.js';
export { checkDestination } from './check-destination.js';
export { createConnectGuard, type ConnectGuardOptions } from './connect-guard.js';
export {
  OutboundError,
  OutboundBlockedError,
  OutboundTimeoutError,
  OutboundTooLargeError,
  OutboundRequestError,
  describeTarget,
  type OutboundBlockReason,
  type OutboundFailureCode,
} from './errors.js';
export { classifyAddress, type AddressClass } from './address-policy.js';
export type { LookupFn, ResolvedAddress } from './target.js';
