/** The only SQL of call recordings (migration 0021). Every statement also filters on org_id = $1 (embedded mode). */
import type { Tx } from '../../../platform/db/types.js';

export const RECORDING_FORMAT = 'mulaw_8k';

export interface RecordingChunkRow {
  seq: number;
  samples: number;
}

export interface RecordingSummaryRow {
  chunks: number;
  samples: number;
  created_at: Date;
}

/** One encrypted chunk. A chunk of a call deleted meanwhile fails its foreign key (the caller drops it). */
export async function insertChunk(tx: Tx, callId: string, c: { seq: number; samples: number; data: Uint8Array }): Promise<void> {
  await tx.query('insert into app.call_recordings (org_id, call_id, seq, format, samples, data) values ($1, $2, $3, $4, $5, $6)', [
    tx.orgId, callId, c.seq, RECORDING_FORMAT, c.samples, c.data,
  ]);
}

/** Null when the call has no recording. */
export async function getSummary(tx: Tx, callId: string): Promise<RecordingSummaryRow | null> {
  const r = await tx.query<RecordingSummaryRow>(
    `select count(*)::int as chunks, coalesce(sum(samples), 0)::int as samples, min(created_at) as created_at
       from app.call_recordings where org_id = $1 and call_id = $2`,
    [tx.orgId, callId],
  );
  const row = r.rows[0];
  return row && row.chunks > 0 ? row : null;
}

/** The chunks in order, without their data (read one at a time: a recording can be 100 MB). */
export async function listChunks(tx: Tx, callId: string): Promise<RecordingChunkRow[]> {
  const r = await tx.query<RecordingChunkRow>('select seq, samples from app.call_recordings where org_id = $1 and call_id = $2 order by seq', [tx.orgId, callId]);
  return r.rows;
}

export async function getChunkData(tx: Tx, callId: string, seq: number): Promise<Uint8Array | null> {
  const r = await tx.query<{ data: Uint8Array }>('select data from app.call_recordings where org_id = $1 and call_id = $2 and seq = $3', [tx.orgId, callId, seq]);
  return r.rows[0]?.data ?? null;
}

/** How many chunks went. */
export async function deleteRecording(tx: Tx, callId: string): Promise<number> {
  const r = await tx.query('delete from app.call_recordings where org_id = $1 and call_id = $2 returning seq', [tx.orgId, callId]);
  return r.rows.length;
}
