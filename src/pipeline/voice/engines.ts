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
import { SpeechUnavailableError } from '../../voice/unavailable.js';
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
 * The engines of a call's agent. Cloud engines (an agent with an stt/tts provider) are not available in
 * this version: such a call fails with a clear message instead of silently using the offline ones.
 */
export function speechFor(deps: Deps, ctx: SessionContext): SpeechEngines {
  const speech = ctx.agent_id ? ctx.agents[ctx.agent_id]?.speech : undefined;
  if (speech?.stt_provider_id || speech?.tts_provider_id) {
    throw new SpeechUnavailableError('cloud speech', 'cloud speech engines are not available in this version of Converse', "remove the provider from the agent's stt/tts to use the offline engines");
  }
  return offlineSpeech(deps);
}
