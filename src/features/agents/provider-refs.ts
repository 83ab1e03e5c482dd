import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { canFillSpeechRole, isLlmProviderKind, providerKinds, SPEECH_ROLE_KINDS, type ProviderKind } from '../providers/public.js';
import type { AgentFields } from './repo.js';

type Ref = { path: string; id: string | null; wants: 'language model' | 'speech recognition' | 'text-to-speech' };

const refsOf = (f: AgentFields): Ref[] => [
  { path: 'body.llm_provider_id', id: f.llm_provider_id, wants: 'language model' },
  { path: 'body.stt.provider_id', id: f.stt_provider_id, wants: 'speech recognition' },
  { path: 'body.tts.provider_id', id: f.tts_provider_id, wants: 'text-to-speech' },
];

/** Deepgram recognizes; ElevenLabs and OpenAI (`openai_speech`, or an `openai` key) speak. */
function fits(ref: Ref, kind: ProviderKind): boolean {
  if (ref.wants === 'language model') return isLlmProviderKind(kind);
  return canFillSpeechRole(kind, ref.wants === 'speech recognition' ? 'stt' : 'tts');
}

const kindsFor = (ref: Ref): string =>
  ref.wants === 'language model' ? 'a language model provider' : `a ${ref.wants} provider (${SPEECH_ROLE_KINDS[ref.wants === 'speech recognition' ? 'stt' : 'tts'].join(', ')})`;

/**
 * Every provider an agent names must be this org's (404 like `flow_id`, the same body as a missing one)
 * and able to fill the role it is named for (400). Only references that change are checked, so an agent
 * stays editable while a provider it already uses is unchanged. The composite foreign keys are the backstop.
 */
export async function assertProvidersInOrg(tx: Tx, next: AgentFields, stored?: AgentFields): Promise<void> {
  const before = stored ? refsOf(stored) : [];
  const refs = refsOf(next).filter((r, i) => r.id !== null && r.id !== before[i]?.id);
  if (refs.length === 0) return;
  const kinds = await providerKinds(tx, [...new Set(refs.map((r) => r.id!))]);
  for (const ref of refs) {
    const kind = kinds.get(ref.id!);
    if (!kind) throw errors.notFound('provider');
    if (!fits(ref, kind)) {
      throw errors.validation(`${ref.path.slice(5)} must name ${kindsFor(ref)}, not ${kind}`, [{ path: ref.path, message: `must be ${kindsFor(ref)}` }]);
    }
  }
}
