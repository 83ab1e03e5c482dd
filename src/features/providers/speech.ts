/**
 * The speech providers of an agent, for the voice pipeline: the org's provider row and its decrypted
 * key, checked for the role it is asked to fill. The key is decrypted after the transaction has closed
 * (the vault opens its own) and goes only into the engine's request headers.
 *
 * @example
 * const stt = await resolveSpeechProvider(deps, { orgId }, { provider_id: agent.stt.provider_id, role: 'stt' });
 */
import type { Deps } from '../../deps.js';
import { withOrg, type OrgScope } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { decryptCredentials } from './credentials.js';
import * as repo from './repo.js';
import { canFillSpeechRole, SPEECH_ROLE_KINDS, type SpeechRole, type SpeechRoleKind } from './schemas.js';

export interface ResolvedSpeechProvider {
  provider_id: string;
  kind: SpeechRoleKind;
  api_key: string;
  base_url: string | null;
  default_model: string | null;
}

const ROLE_NAME: Record<SpeechRole, string> = { stt: 'speech recognition', tts: 'text-to-speech' };

/** Another org's provider is not_found, like a missing one; a provider that cannot fill the role is 422. */
export async function resolveSpeechProvider(deps: Deps, scope: OrgScope, ref: { provider_id: string; role: SpeechRole }): Promise<ResolvedSpeechProvider> {
  const row = await withOrg(deps.db, scope, (tx) => repo.getProvider(tx, ref.provider_id));
  if (!row) throw errors.notFound('provider');
  if (!canFillSpeechRole(row.kind, ref.role)) {
    throw errors.unprocessable(`Provider ${row.id} (${row.kind}) cannot do ${ROLE_NAME[ref.role]}; use a ${SPEECH_ROLE_KINDS[ref.role].join(', ')} provider`);
  }
  const creds = await decryptCredentials(deps, scope.orgId, row.id, row.credentials);
  if (!creds.api_key) throw errors.unprocessable(`Provider ${row.id} has no API key`);
  return { provider_id: row.id, kind: row.kind, api_key: creds.api_key, base_url: row.base_url, default_model: row.default_model };
}
