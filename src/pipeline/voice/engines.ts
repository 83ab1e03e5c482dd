/**
 * The speech engines of this process's voice calls. The offline engines are shared by every call of a
 * Deps (pocketsphinx pools its decoders; espeak-ng is a process per sentence), created on first use so
 * a server without the speech packages serves everything else and fails only the voice call, with the
 * message naming the packages (src/voice/unavailable.ts). Free speech uses a word-loop grammar: a domain
 * language model takes far too long to load for each call (src/voice/stt/grammar.ts wordLoopJsgf).
 */
import type { Deps } from '../../deps.js';
import { createPocketsphinxEngine } from '../../voice/stt/pocketsphinx.js';
import type { SttEngine } from '../../voice/stt/types.js';
import { createEspeakEngine } from '../../voice/tts/espeak.js';
import type { TtsEngine } from '../../voice/tts/types.js';
import { resolveSpeechEngines } from '../agent/speech.js';
import type { SessionContext } from '../context/types.js';

export interface SpeechEngines {
  stt: SttEngine;
  tts: TtsEngine;
}

const offline = new WeakMap<Deps, SpeechEngines>();

export function offlineSpeech(deps: Deps): SpeechEngines {
  let e = offline.get(deps);
  if (!e) offline.set(deps, (e = { stt: createPocketsphinxEngine({ freeSpeech: 'word_loop' }), tts: createEspeakEngine() }));
  return e;
}

/** Releases pooled decoders (server shutdown). */
export async function closeSpeech(deps: Deps): Promise<void> {
  const e = offline.get(deps);
  offline.delete(deps);
  await e?.stt.close();
}

/**
 * The engines of a call's agent: the offline ones, or the cloud engines its `stt`/`tts` providers name
 * (this org's, keys decrypted by agent/speech.ts outside any transaction). A provider that is gone or
 * refuses its role fails the call with that error rather than silently falling back to offline speech.
 * Recognition model: the agent's `stt.model`, else the provider's `default_model` (both frozen with the
 * context when the call began, so an agent edited mid-call does not change a live call's engines).
 */
export async function speechFor(deps: Deps, ctx: SessionContext): Promise<SpeechEngines> {
  const agent = ctx.agent_id ? ctx.agents[ctx.agent_id] : undefined;
  const speech = agent?.speech;
  if (!speech?.stt_provider_id && !speech?.tts_provider_id) return offlineSpeech(deps);
  const selected = await resolveSpeechEngines(
    deps,
    { orgId: ctx.org_id },
    { stt: { provider_id: speech.stt_provider_id, model: speech.stt_model ?? null }, tts: { provider_id: speech.tts_provider_id, voice: speech.voice }, language: agent?.language ?? null },
    lazyOffline(deps),
  );
  return { stt: selected.stt, tts: selected.tts };
}

/** The offline engines, built only if the agent's selection uses one (a cloud-only agent needs no packages). */
function lazyOffline(deps: Deps): SpeechEngines {
  return {
    get stt() {
      return offlineSpeech(deps).stt;
    },
    get tts() {
      return offlineSpeech(deps).tts;
    },
  };
}
