/**
 * The speech engines of a voice session: the agent's `stt`/`tts` providers (this org's, keys decrypted
 * by the providers feature) handed to `selectSpeechEngines`, which builds the cloud engines, or the
 * offline ones when the agent names no provider. The network is the guarded outbound client: a
 * tenant's base_url cannot reach the private network (unless the server allows it) or metadata
 * addresses. Decrypts with the vault: never call it inside a transaction.
 *
 * @example
 * const speech = await resolveSpeechEngines(deps, { orgId: ctx.org_id }, { stt: agent.stt, tts: agent.tts, language: agent.language }, offline);
 * const session = await speech.stt.start({ sampleRate: 8000, onPartial });
 * const audio = speech.tts.synthesize(text, { sampleRate: 8000, voice: speech.voice ?? undefined });
 */
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { resolveSpeechProvider, type ResolvedSpeechProvider } from '../../features/providers/public.js';
import type { OrgScope } from '../../platform/db/with-org.js';
import { createConnectGuard, createStreamingFetch } from '../../platform/outbound/index.js';
import { selectSpeechEngines, type CloudNetwork, type OfflineEngines, type SelectedSpeech, type SpeechProviderRef } from '../../voice/engines.js';

export interface AgentSpeechRefs {
  stt: { provider_id: string | null; model: string | null };
  tts: { provider_id: string | null; voice: string | null };
  language?: string | null;
}

/** Streamed synthesis of a long reply is several MiB of PCM; recognition is a WebSocket (no body limit here). */
const MAX_AUDIO_RESPONSE_BYTES = 64 * 1024 * 1024;
const networks = new WeakMap<Config, CloudNetwork>();

export function speechNetworkFor(deps: Pick<Deps, 'config'>): CloudNetwork {
  let net = networks.get(deps.config);
  if (!net) {
    const allowPrivateNetwork = deps.config.allowPrivateNetwork;
    net = { fetch: createStreamingFetch({ allowPrivateNetwork, maxResponseBytes: MAX_AUDIO_RESPONSE_BYTES, userAgent: 'Converse/0.1 (+speech)' }), guard: createConnectGuard({ allowPrivateNetwork }) };
    networks.set(deps.config, net);
  }
  return net;
}

const toRef = (p: ResolvedSpeechProvider): SpeechProviderRef => ({ kind: p.kind, apiKey: p.api_key, baseUrl: p.base_url, defaultModel: p.default_model });

export async function resolveSpeechEngines(deps: Deps, scope: OrgScope, refs: AgentSpeechRefs, offline: OfflineEngines): Promise<SelectedSpeech> {
  const [stt, tts] = await Promise.all([
    refs.stt.provider_id ? resolveSpeechProvider(deps, scope, { provider_id: refs.stt.provider_id, role: 'stt' }) : null,
    refs.tts.provider_id ? resolveSpeechProvider(deps, scope, { provider_id: refs.tts.provider_id, role: 'tts' }) : null,
  ]);
  return selectSpeechEngines(
    { stt: { provider: stt && toRef(stt), model: refs.stt.model }, tts: { provider: tts && toRef(tts), voice: refs.tts.voice }, language: refs.language ?? null },
    offline,
    speechNetworkFor(deps),
  );
}
