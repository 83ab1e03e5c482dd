/**
 * Matrix rows for call recordings (docs/voice.md "Recordings"): GET /calls/{id}/recording (the audio)
 * is for owners, admins, support agents and admin API keys — not members or viewers, a recording being
 * a person's voice; DELETE /calls/{id}/recording for those who delete calls (owners, admins, admin API
 * keys). Another org's recorded call is a 404 exactly like a missing one.
 *
 * A recording is made by the voice loop; here a text session of the org gets one through the same
 * store the loop uses (encrypted with that org's data key), so the rows run without a phone call
 * (recording a real call: test/voice/recordings.test.ts). The matrix test hands in the app's deps.
 */
import { call } from '../../helpers/api.js';
import type { Deps } from '../../../src/deps.js';
import { storeRecordingChunk } from '../../../src/features/calls/recordings/store.js';
import { rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

const LISTENERS: readonly Caller[] = ['owner', 'admin', 'support_agent', 'api_key'];
const DELETERS: readonly Caller[] = ['owner', 'admin', 'api_key'];

/** The app's deps, for the recording store (set by seedRecordings before the rows run). */
let deps: Deps | null = null;

export const recordingResource: Resource = {
  name: 'recorded call',
  create: async (fx: MatrixFixtures, org: OrgName) => {
    const res = await call(fx.app, { method: 'POST', url: '/sessions', token: fx.orgs[org].tokens.owner, body: { agent_id: fx.seeds[org].recordingAgent } });
    if (res.statusCode !== 201) throw new Error(`session: ${res.statusCode} ${res.body}`);
    const id = res.json().id as string;
    fx.ids[org].add(id);
    if (!deps) throw new Error('seedRecordings was not called');
    await storeRecordingChunk(deps, { orgId: fx.orgs[org].id }, id, { seq: 0, data: new Uint8Array(8000).fill(0x7f) });
    return id;
  },
  snapshot: async (fx, org, id) => {
    const res = await call(fx.app, { method: 'GET', url: `/calls/${id}`, token: fx.orgs[org].tokens.owner });
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw new Error(`snapshot call: ${res.statusCode} ${res.body}`);
    return res.json().recording;
  },
};

/** An agent per org for the sessions that carry recordings. */
export async function seedRecordings(fx: MatrixFixtures, d: Deps): Promise<void> {
  deps = d;
  for (const org of ['A', 'B'] as const) {
    const res = await call(fx.app, { method: 'POST', url: '/agents', token: fx.orgs[org].tokens.owner, body: { name: 'recorded agent', settings: { voice: { record: true } } } });
    if (res.statusCode !== 201) throw new Error(`agent: ${res.statusCode} ${res.body}`);
    fx.seeds[org].recordingAgent = res.json().id;
    fx.ids[org].add(res.json().id);
  }
}

const ops = {
  audio: { name: 'calls.recording.get', method: 'GET', path: '/calls/:id/recording', resource: recordingResource },
  remove: { name: 'calls.recording.delete', method: 'DELETE', path: '/calls/:id/recording', resource: recordingResource },
} satisfies Record<string, Operation>;

export const recordingRows: MatrixRow[] = [
  ...rowsFor(ops.audio, { allowed: LISTENERS, ok: 200 }),
  ...rowsFor(ops.remove, { allowed: DELETERS, ok: 204 }),
];
