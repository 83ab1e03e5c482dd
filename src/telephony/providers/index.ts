import { createExotelClient } from './exotel.js';
import { createMetaClient } from './meta.js';
import { createPlivoClient } from './plivo.js';
import { createTwilioClient } from './twilio.js';
import type { ProviderClient, ProviderClientOptions, ProviderName } from './types.js';

export * from './types.js';
export * from './credentials.js';
export { ProviderError, scrubSecrets, credentialValues } from './provider-error.js';
export { createTwilioClient, TWILIO_API_BASE } from './twilio.js';
export { createPlivoClient, PLIVO_API_BASE } from './plivo.js';
export { createExotelClient, EXOTEL_DEFAULT_HOST } from './exotel.js';
export { createMetaClient, META_GRAPH_BASE } from './meta.js';

const FACTORIES: { [P in ProviderName]: (opts?: ProviderClientOptions) => ProviderClient<P> } = {
  twilio: createTwilioClient,
  plivo: createPlivoClient,
  exotel: createExotelClient,
  meta: createMetaClient,
};

/** @example const client = createProviderClient(channel.provider, { fetch: deps.safeFetch }); */
export function createProviderClient<P extends ProviderName>(provider: P, opts: ProviderClientOptions = {}): ProviderClient<P> {
  return FACTORIES[provider](opts);
}
