import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examples } from '../../src/features/flows/examples.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { expectError } from '../http/support.js';
import { exotelCreds, leakedSecrets, metaCreds, OUR_NUMBER, plivoCreds, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { createAgent, createChannel, PUBLIC_URL, startChannelsHarness, type ChannelsHarness } from './support.js';

describe(`channels CRUD with provider-verified, encrypted credentials (${modeName})`, () => {
  let h: ChannelsHarness;
  let org: TestOrg;
  let other: TestOrg;
  let agentId: string;
  const responses: string[] = [];
  const req = async (c: Parameters<typeof call>[1]) => {
    const res = await call(h.t.app, c);
    responses.push(res.body);
    return res;
  };
  const stored = async (id: string) =>
    (await h.t.testDb.admin.transaction((q) => q<{ credentials: Record<string, string>; credentials_hint: string | null }>('select credentials, credentials_hint from app.channels where id = $1', [id]))).rows[0];

  beforeAll(async () => {
    h = await startChannelsHarness();
    org = await createOrg(h.t.app, 'Channels');
    other = await createOrg(h.t.app, 'Other');
    agentId = await createAgent(h.t.app, org.tokens.admin);
  });
  afterAll(async () => h?.close());

  it('creates a Twilio voice channel: verified at the provider, stored encrypted, shown as configured + hint', async () => {
    const before = h.sim.requests.length;
    const res = await req({ method: 'POST', url: '/channels', token: org.tokens.admin, body: { name: 'Main line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: '+1 415 555 0100', agent_id: agentId } });
    expect(res.statusCode, res.body).toBe(201);
    const ch = res.json();
    expect(ch).toMatchObject({ type: 'voice', provider: 'twilio', phone_number: OUR_NUMBER, agent_id: agentId, flow_id: null, allowed_origins: [] });
    expect(ch.credentials).toEqual({ configured: true, hint: `...${twilioCreds.account_sid.slice(-4)}` });
    expect(ch.webhook_url).toBe(`${PUBLIC_URL}/api/v1/webhooks/twilio/${ch.id}`);
    expect(h.sim.requests.slice(before)).toEqual([{ provider: 'twilio', method: 'GET', path: `/2010-04-01/Accounts/${twilioCreds.account_sid}.json`, status: 200 }]);
    const row = await stored(ch.id);
    expect(Object.keys(row!.credentials).sort()).toEqual(['account_sid', 'auth_token']);
    for (const v of Object.values(row!.credentials)) expect(v).toMatch(/^v1\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(leakedSecrets(JSON.stringify(row))).toEqual([]);
    const got = await req({ method: 'GET', url: `/channels/${ch.id}`, token: org.tokens.viewer });
    expect(got.json()).toEqual(ch);
    const list = await req({ method: 'GET', url: '/channels', token: org.tokens.member });
    expect(list.json().data.map((c: { id: string }) => c.id)).toContain(ch.id);
  });

  it('answers 422 when the provider rejects the credentials, stores nothing and echoes no secret', async () => {
    const count = async () => (await req({ method: 'GET', url: '/channels?limit=200', token: org.tokens.admin })).json().data.length as number;
    const n = await count();
    const wrongTwilio = { ...twilioCreds, auth_token: 'canaryWrongTwilioToken99' };
    const r1 = await req({ method: 'POST', url: '/channels', token: org.tokens.admin, body: { name: 'x', type: 'sms', provider: 'twilio', credentials: wrongTwilio, phone_number: OUR_NUMBER } });
    expect(expectError(r1, 422).message).toMatch(/twilio rejected these credentials/);
    // The simulator's Plivo 401 body quotes the credentials it was sent.
    const wrongPlivo = { ...plivoCreds, auth_token: 'canaryWrongPlivoToken77' };
    const r2 = await req({ method: 'POST', url: '/channels', token: org.tokens.admin, body: { name: 'x', type: 'voice', provider: 'plivo', credentials: wrongPlivo, phone_number: OUR_NUMBER } });
    expectError(r2, 422);
    h.sim.failNext('meta', 500, { error: { message: `internal error for ${metaCreds.access_token}` } });
    const r3 = await req({ method: 'POST', url: '/channels', token: org.tokens.admin, body: { name: 'x', type: 'whatsapp', provider: 'meta', credentials: metaCreds } });
    expect(expectError(r3, 422).message).toBe('The credentials could not be verified: meta answered HTTP 500');
    for (const r of [r1, r2, r3]) expect(r.body).not.toMatch(/canaryWrong|canaryMeta/);
    expect(h.logs.join('\n')).not.toMatch(/canaryWrong/);
    expect(await count()).toBe(n);
  });

  it.each([
    ['an unknown field', { name: 'x', type: 'web', provider: 'web', colour: 'red' }],
    ['a provider that cannot carry the type', { name: 'x', type: 'voice', provider: 'meta', credentials: metaCreds }],
    ['a number that is not E.164', { name: 'x', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: '4155550100' }],
    ['credentials on a web channel', { name: 'x', type: 'web', provider: 'web', credentials: { a: 'b' } }],
    ['a voice channel without a number', { name: 'x', type: 'voice', provider: 'twilio', credentials: twilioCreds }],
    ['an unknown credential field', { name: 'x', type: 'voice', provider: 'twilio', credentials: { ...twilioCreds, extra: 'value' }, phone_number: OUR_NUMBER }],
    ['a malformed account id', { name: 'x', type: 'voice', provider: 'twilio', credentials: { ...twilioCreds, account_sid: 'nope' }, phone_number: OUR_NUMBER }],
    ['an origin with a path', { name: 'x', type: 'web', provider: 'web', allowed_origins: ['https://shop.example/widget'] }],
    ['allowed origins on a voice channel', { name: 'x', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, allowed_origins: ['https://a.example'] }],
    ['both an agent and a flow', { name: 'x', type: 'web', provider: 'web', agent_id: randomUUID(), flow_id: randomUUID() }],
    ['an org_id', { name: 'x', type: 'web', provider: 'web', org_id: randomUUID() }],
  ])('rejects %s with 400 before calling the provider', async (_name, body) => {
    const before = h.sim.requests.length;
    const res = await req({ method: 'POST', url: '/channels', token: org.tokens.admin, body });
    expectError(res, 400);
    expect(res.body).not.toContain(twilioCreds.auth_token);
    expect(h.sim.requests.length).toBe(before);
  });

  it("refuses another org's agent or flow with the same 404 as a missing one, before calling the provider", async () => {
    const foreignAgent = await createAgent(h.t.app, other.tokens.admin);
    const before = h.sim.requests.length;
    const body = (agent_id: string) => ({ name: 'x', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, agent_id });
    const foreign = await req({ method: 'POST', url: '/channels', token: org.tokens.admin, body: body(foreignAgent) });
    const missing = await req({ method: 'POST', url: '/channels', token: org.tokens.admin, body: body(randomUUID()) });
    expectError(foreign, 404);
    expect(foreign.body).toBe(missing.body);
    expect(h.sim.requests.length).toBe(before);
    const web = await createChannel(h.t.app, org.tokens.admin, { name: 'Widget', type: 'web', provider: 'web', agent_id: agentId });
    const patch = await req({ method: 'PATCH', url: `/channels/${web.id}`, token: org.tokens.admin, body: { agent_id: foreignAgent } });
    expectError(patch, 404);
    expect((await req({ method: 'GET', url: `/channels/${web.id}`, token: org.tokens.admin })).json().agent_id).toBe(agentId);
  });

  it('routes to a flow instead of an agent, and an agent in use cannot be deleted', async () => {
    const flow = await req({ method: 'POST', url: '/flows', token: org.tokens.admin, body: examples.ivr_menu });
    expect(flow.statusCode, flow.body).toBe(201);
    const web = await createChannel(h.t.app, org.tokens.admin, { name: 'Flow widget', type: 'web', provider: 'web', agent_id: agentId });
    const patched = await req({ method: 'PATCH', url: `/channels/${web.id}`, token: org.tokens.admin, body: { flow_id: flow.json().id } });
    expect(patched.json()).toMatchObject({ flow_id: flow.json().id, agent_id: null });
    const del = await req({ method: 'DELETE', url: `/agents/${agentId}`, token: org.tokens.admin });
    expectError(del, 409);
  });

  it('replaces credentials on PATCH (re-verified, re-encrypted) and audits before/after without secrets', async () => {
    const ch = await createChannel(h.t.app, org.tokens.admin, { name: 'SMS', type: 'sms', provider: 'plivo', credentials: plivoCreds, phone_number: OUR_NUMBER });
    const before = await stored(ch.id);
    const bad = await req({ method: 'PATCH', url: `/channels/${ch.id}`, token: org.tokens.admin, body: { credentials: { ...plivoCreds, auth_token: 'canaryWrongPlivoToken78' } } });
    expectError(bad, 422);
    expect(await stored(ch.id)).toEqual(before);
    const ok = await req({ method: 'PATCH', url: `/channels/${ch.id}`, token: org.tokens.admin, body: { name: 'SMS 2', credentials: plivoCreds } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'SMS 2', credentials: { configured: true, hint: `...${plivoCreds.auth_id.slice(-4)}` } });
    const after = await stored(ch.id);
    expect(after!.credentials.auth_token).not.toBe(before!.credentials.auth_token);
    const audit = await req({ method: 'GET', url: '/audit-log?limit=200', token: org.tokens.owner });
    const entry = audit.json().data.find((e: { action: string; target_id: string }) => e.action === 'channel.updated' && e.target_id === ch.id);
    expect(entry.before).toMatchObject({ name: 'SMS', auth_configured: true, account_hint: ch.credentials.hint });
    expect(entry.after).toMatchObject({ name: 'SMS 2', auth_replaced: true });
    expect(audit.json().data.some((e: { action: string; target_id: string }) => e.action === 'channel.created' && e.target_id === ch.id)).toBe(true);
    expect(leakedSecrets(audit.body)).toEqual([]);
    expect(audit.body).not.toContain('v1.');
  });

  it('shows the Exotel webhook URL (with its secret path token) only in the create response', async () => {
    const ch = await createChannel(h.t.app, org.tokens.admin, { name: 'Exotel', type: 'voice', provider: 'exotel', credentials: exotelCreds, phone_number: '+919876543210' });
    expect(ch.webhook_url).toMatch(new RegExp(`^${PUBLIC_URL}/api/v1/webhooks/exotel/${ch.id}/[A-Za-z0-9_-]{43}$`));
    const token = ch.webhook_url.split('/').at(-1);
    expect((await req({ method: 'GET', url: `/channels/${ch.id}`, token: org.tokens.admin })).json().webhook_url).toBeNull();
    const row = await stored(ch.id);
    expect(Object.keys(row!.credentials).sort()).toEqual(['account_sid', 'api_key', 'api_token', 'subdomain', 'webhook_token']);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('deletes (204, then 404), and the ciphertexts go with the row', async () => {
    const ch = await createChannel(h.t.app, org.tokens.admin, { name: 'Temp', type: 'whatsapp', provider: 'meta', credentials: metaCreds });
    expect((await req({ method: 'DELETE', url: `/channels/${ch.id}`, token: org.tokens.admin })).statusCode).toBe(204);
    expectError(await req({ method: 'GET', url: `/channels/${ch.id}`, token: org.tokens.admin }), 404);
    expectError(await req({ method: 'DELETE', url: `/channels/${ch.id}`, token: org.tokens.admin }), 404);
    expect(await stored(ch.id)).toBeUndefined();
  });

  it('never put a secret in a response or a log line', () => {
    expect(leakedSecrets(responses.join('\n'))).toEqual([]);
    expect(leakedSecrets(h.logs.join('\n'))).toEqual([]);
    expect(h.logs.length).toBeGreaterThan(10);
  });
});
