/**
 * How the voice loop (src/pipeline/voice/recording.ts) stores a recording's chunks: each encrypted with
 * the organization's data key (the vault's binary form), the AAD binding org, call and chunk number, so
 * a chunk copied to another call, org or position does not decrypt. Encryption happens before the
 * chunk's write transaction opens (the vault opens its own).
 */
import type { Deps } from '../../../deps.js';
import { withOrg, type OrgScope } from '../../../platform/db/with-org.js';
import * as repo from './repo.js';

/** The vault reference of one chunk. */
export const chunkRef = (orgId: string, callId: string, seq: number) => ({ orgId, recordId: callId, field: `recording.${seq}` });

export async function storeRecordingChunk(deps: Deps, scope: OrgScope, callId: string, chunk: { seq: number; data: Uint8Array }): Promise<void> {
  const data = await deps.vault.encryptBytes({ ...chunkRef(scope.orgId, callId, chunk.seq), plaintext: chunk.data });
  await withOrg(deps.db, scope, (tx) => repo.insertChunk(tx, callId, { seq: chunk.seq, samples: chunk.data.length, data }));
}
