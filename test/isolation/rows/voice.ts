/**
 * Matrix rows for POST /calls ("Dial now", API.md "Sessions and calls"): owners, admins, members and
 * admin API keys start sessions, so they dial; the others are 403. Another org's channel is a 404 like
 * a missing one, and nothing is placed. The matrix app has no provider simulator, so the own-org row
 * dials through the org's web channel: the 400 (not a voice channel) shows the channel was found.
 * Placing calls for real: test/voice/twilio-calls.test.ts. The media stream WebSocket is tested there too.
 */
import { randomUUID } from 'node:crypto';
import { call } from '../../helpers/api.js';
import { otherOrg, rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName } from '../matrix.js';

const RUNNERS: readonly Caller[] = ['owner', 'admin', 'member', 'api_key'];

/** A web channel and an agent per org. */
export async function seedVoice(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) {
    const post = async (url: string, body: unknown) => {
      const res = await call(fx.app, { method: 'POST', url, token: fx.orgs[org].tokens.owner, body });
      if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
      fx.ids[org].add(res.json().id);
      return res.json().id as string;
    };
    fx.seeds[org].dialAgent = await post('/agents', { name: `dialer ${randomUUID().slice(0, 4)}` });
    fx.seeds[org].dialChannel = await post('/channels', { name: `web ${randomUUID().slice(0, 4)}`, type: 'web', provider: 'web', agent_id: fx.seeds[org].dialAgent, allowed_origins: ['https://shop.example'] });
  }
}

const dial = (org: OrgName, fx: MatrixFixtures, whose: OrgName) => ({ channel_id: fx.seeds[whose].dialChannel, agent_id: fx.seeds[org].dialAgent, to: '+15551230099' });

const ops = {
  dialOwn: { name: 'calls.dial', label: 'own web channel (not voice)', method: 'POST', path: '/calls', body: (fx, org) => dial(org, fx, org) },
  dialForeign: { name: 'calls.dial', label: "other org's channel", method: 'POST', path: '/calls', body: (fx, org) => dial(org, fx, otherOrg(org)) },
} satisfies Record<string, Operation>;

export const voiceRows: MatrixRow[] = [
  ...rowsFor(ops.dialOwn, { allowed: RUNNERS, ok: 400 }),
  ...rowsFor(ops.dialForeign, { allowed: RUNNERS, ok: 404 }),
];
