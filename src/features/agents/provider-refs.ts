import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { isLlmProviderKind, providerKinds } from '../providers/public.js';
import type { AgentFields } from './repo.js';

type Ref = { path: string; id: string | null; wants: 'language model' | 'speech' };

const refsOf = (f: AgentFields): Ref[] => [
  { path: 'body.llm_provider_id', id: f.llm_provider_id, wants: 'language model' },
  { path: 'body.stt.provider_id', id: f.stt_provider_id, wants: 'speech' },
  { path: 'body.tts.provider_id', id: f.tts_provider_id, wants: 'speech' },
];

/**
 * Every provider an agent names must be this org's (404 like `flow_id`, the same body as a missing one)
 * and of the right family (400). Only references that change are checked, so an agent stays editable
 * while a provider it already uses is unchanged. The composite foreign keys are the backstop.
 */
export async function assertProvidersInOrg(tx: Tx, next: AgentFields, stored?: AgentFields): Promise<void> {
  const before = stored ? refsOf(stored) : [];
  const refs = refsOf(next).filter((r, i) => r.id !== null && r.id !== before[i]?.id);
  if (refs.length === 0) return;
  const kinds = await providerKinds(tx, [...new Set(refs.map((r) => r.id!))]);
  for (const ref of refs) {
    const kind = kinds.get(ref.id!);
    if (!kind) throw errors.notFound('provider');
    if ((ref.wants === 'language model') !== isLlmProviderKind(kind)) {
      throw errors.validation(`${ref.path.slice(5)} must name a ${ref.wants} provider, not ${kind}`, [{ path: ref.path, message: `must be a ${ref.wants} provider` }]);
    }
  }
}
