/**
 * Call recordings as records (docs/voice.md "Recordings"): the summary on GET /calls/{id}, the audio
 * (GET /calls/{id}/recording, decrypted chunk by chunk and streamed as a 16-bit PCM WAV), and deleting
 * it alone. The voice loop writes them through ./store.ts.
 *
 * The vault is never called inside a tenant transaction (platform/vault/db-store.ts): each chunk is read
 * in a short transaction of its own and decrypted after it closed, so a 4-hour recording streams with
 * about one chunk (a minute of audio) in memory.
 */
import { Readable } from 'node:stream';
import type { Deps } from '../../../deps.js';
import { scopeOf, type Principal } from '../../../platform/auth/principal.js';
import { withOrg } from '../../../platform/db/with-org.js';
import type { Tx } from '../../../platform/db/types.js';
import { errors } from '../../../platform/errors.js';
import { toIso } from '../../../platform/http/schemas.js';
import type { RequestMeta } from '../../../platform/request-meta.js';
import { muLawDecode } from '../../../voice/media/mulaw.js';
import { pcmToBytes, wavHeader } from '../../../voice/media/pcm.js';
import { RECORDING_RATE } from '../../../voice/recorder.js';
import { actorOf, recordAudit } from '../../audit/audit.js';
import * as calls from '../repo.js';
import type { RecordingOut } from '../schemas.js';
import * as repo from './repo.js';
import { chunkRef } from './store.js';


const WAV_HEADER_BYTES = 44;
const notFound = () => errors.notFound('recording');

const present = (s: repo.RecordingSummaryRow): NonNullable<RecordingOut> => ({
  duration_ms: Math.round((s.samples * 1000) / RECORDING_RATE),
  bytes: WAV_HEADER_BYTES + s.samples * 2,
  format: 'wav',
  created_at: toIso(s.created_at)!,
});

export async function recordingSummary(tx: Tx, callId: string): Promise<RecordingOut> {
  const s = await repo.getSummary(tx, callId);
  return s ? present(s) : null;
}

/**
 * The recording as a WAV stream: 404 (call or recording) before anything is sent; then the header and
 * each chunk, decrypted, μ-law decoded to PCM. A chunk deleted while streaming ends the stream with an error.
 */
export async function openRecordingAudio(deps: Deps, principal: Principal, callId: string): Promise<{ bytes: number; stream: Readable }> {
  const scope = scopeOf(principal);
  const chunks = await withOrg(deps.db, scope, async (tx) => {
    if (!(await calls.getCall(tx, callId))) throw errors.notFound('call');
    return repo.listChunks(tx, callId);
  });
  if (chunks.length === 0) throw notFound();
  const samples = chunks.reduce((n, c) => n + c.samples, 0);
  async function* audio(): AsyncGenerator<Uint8Array> {
    yield wavHeader(RECORDING_RATE, samples);
    for (const c of chunks) {
      const data = await withOrg(deps.db, scope, (tx) => repo.getChunkData(tx, callId, c.seq));
      if (!data) throw new Error('recording chunk gone while streaming');
      const plain = await deps.vault.decryptBytes({ ...chunkRef(principal.orgId, callId, c.seq), ciphertext: data });
      yield pcmToBytes(muLawDecode(plain));
    }
  }
  return { bytes: WAV_HEADER_BYTES + samples * 2, stream: Readable.from(audio(), { objectMode: false }) };
}

/** Deletes the recording, keeping the call and its transcript; audited (no content). */
export async function deleteCallRecording(tx: Tx, principal: Principal, callId: string, meta: RequestMeta): Promise<void> {
  if (!(await calls.getCall(tx, callId))) throw errors.notFound('call');
  const before = await repo.getSummary(tx, callId);
  if (!before || (await repo.deleteRecording(tx, callId)) === 0) throw notFound();
  await recordAudit(tx, actorOf(principal), { action: 'call.recording_deleted', targetType: 'call', targetId: callId, before: present(before) }, meta);
}
