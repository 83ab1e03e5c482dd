/**
 * `settings.redact_pii` (docs/privacy.md) through the real HTTP app and a language model faked at the
 * protocol level: what is stored (database rows, read as the admin role), what the API shows, and that
 * the live session is unaffected (the caller's replies, the model's history, the tools' arguments).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emitEvent } from '../../src/features/webhook-endpoints/events.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createAgent, created, say, startSession } from '../sessions/support.js';

const KEY = 'sk-privacy-test';
const EMAIL = 'jane.doe@example.com';
const PHONE = '+1 415 555 2671';
const CARD = '4111 1111 1111 1111';
const SAID = `My email is ${EMAIL}, call me on ${PHONE}, card ${CARD}. Order 12345 on 2024-05-01.`;
const REDACTED = 'My email is [EMAIL], call me on [PHONE], card [CARD]. Order 12345 on 2024-05-01.';
const RAW = [EMAIL, PHONE, CARD, '4155552671', '4111111111111111'];

describe(`PII redaction (${modeName})`, () => {
  let t: TestApp;
  let llm: FakeLlm;
  let tools: TestServer;
  let a: TestOrg; // redacts
  let b: TestOrg; // does not
  const agents: Record<string, string> = {};

  const patch = (org: TestOrg, body: unknown, token = org.tokens.admin) => call(t.app, { method: 'PATCH', url: '/organization', token, body });
  const rows = async (sql: string, params: unknown[]) => (await t.testDb.admin.transaction((q) => q<Record<string, unknown>>(sql, params))).rows;
  const stored = async (callId: string) => JSON.stringify({
    messages: await rows('select text from app.call_messages where call_id = $1', [callId]),
    tools: await rows('select arguments, error from app.call_tool_calls where call_id = $1', [callId]),
    call: await rows('select variables, actions, outcome from app.calls where id = $1', [callId]),
  });
  const noRaw = (s: string) => {
    for (const raw of RAW) expect(s).not.toContain(raw);
  };

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: KEY });
    tools = await startHttpServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"found":true}'));
    t = await createTestApp({ config: { allowPrivateNetwork: true, defaultLlm: { kind: 'openai_compatible', baseUrl: llm.urls.openai, apiKey: KEY, model: 'fake-model' } } });
    a = await createOrg(t.app, 'Redacting');
    b = await createOrg(t.app, 'Keeping');
    for (const org of [a, b]) {
      const agent = await createAgent(t.app, org.tokens.admin, { tools_builtin: ['end_call'] });
      const tool = await created(t.app, org.tokens.admin, '/tools', {
        name: 'find_customer',
        description: 'Finds a customer by email and phone',
        parameters: { type: 'object', properties: { email: { type: 'string' }, phone: { type: 'string' } }, required: ['email'] },
        config: { method: 'POST', url: `${tools.origin}/find` },
      });
      await call(t.app, { method: 'POST', url: `/tools/agent/${agent.id}/assign/${tool.id}`, token: org.tokens.admin });
      agents[org.id] = agent.id;
    }
    expect((await patch(a, { settings: { redact_pii: true } })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
    await tools?.close();
  });
  beforeEach(() => {
    llm.reset();
    tools.requests.length = 0;
  });

  /** One conversation: variables at the start, a turn with a tool call, a second turn. */
  async function converse(org: TestOrg) {
    const s = await startSession(t.app, org.tokens.member, { agent_id: agents[org.id], variables: { contact: EMAIL, phone: PHONE } });
    expect(s.statusCode, s.body).toBe(201);
    const id = s.json().id as string;
    llm.enqueue({ toolCalls: [{ name: 'find_customer', arguments: { email: EMAIL, phone: PHONE } }] }, { text: `Found you, ${EMAIL}.` });
    const first = await say(t.app, org.tokens.member, id, SAID);
    expect(first.statusCode, first.body).toBe(200);
    const second = await say(t.app, org.tokens.member, id, 'What is my email?');
    return { id, first: first.json(), second: second.json() };
  }

  it('stores and shows transcripts, tool-call arguments and variables redacted, while the live session is unaffected', async () => {
    const { id, first } = await converse(a);

    // Live: the caller got the real answer, the tool got the real arguments, the model saw the real
    // words in the first turn AND, from the history, in the second.
    expect(first.messages[0].text).toBe(`Found you, ${EMAIL}.`);
    expect(JSON.parse(tools.requests[0]!.body)).toEqual({ email: EMAIL, phone: PHONE });
    const [, , secondTurn] = llm.completions();
    expect(JSON.stringify(secondTurn!.messages)).toContain(EMAIL);
    expect(JSON.stringify(secondTurn!.messages)).toContain(CARD);
    expect(JSON.stringify(secondTurn!.messages)).not.toContain('[EMAIL]');

    // The API shows the redacted history.
    const detail = (await call(t.app, { method: 'GET', url: `/calls/${id}`, token: a.tokens.viewer })).json();
    expect(detail.transcript.find((m: { role: string }) => m.role === 'caller').text).toBe(REDACTED);
    expect(detail.transcript.map((m: { text: string }) => m.text)).toContain('Found you, [EMAIL].');
    expect(detail.tool_calls[0].arguments).toEqual({ email: '[EMAIL]', phone: '[PHONE]' });
    expect(detail.variables).toMatchObject({ contact: '[EMAIL]', phone: '[PHONE]' });
    noRaw(JSON.stringify(detail));
    const session = await call(t.app, { method: 'GET', url: `/sessions/${id}`, token: a.tokens.viewer });
    noRaw(session.body);
    expect(session.json().messages.map((m: { text: string }) => m.text)).toContain(REDACTED);

    // The database rows.
    noRaw(await stored(id));
    expect(await rows('select text from app.call_messages where call_id = $1 and role = $2', [id, 'caller'])).toContainEqual({ text: REDACTED });
    // Only the live text (never presented) keeps what was said, for the model, while the session lives.
    const live = await rows('select live_text from app.calls where id = $1', [id]);
    expect(JSON.stringify(live)).toContain(EMAIL);
    // Only the entries redaction changed are kept: not the greeting, not "What is my email?".
    expect((live[0]!.live_text as Array<{ text: string }>).map((e) => e.text)).toEqual([SAID, `Found you, ${EMAIL}.`]);

    // Ending the session drops the live text and redacts the engine state nothing continues from.
    expect((await call(t.app, { method: 'POST', url: `/sessions/${id}/end`, token: a.tokens.member })).statusCode).toBe(200);
    const after = await rows('select live_text, state, variables from app.calls where id = $1', [id]);
    expect(after[0]!.live_text).toBeNull();
    noRaw(JSON.stringify(after));
  });

  it('an organization without the setting stores what was said (the control)', async () => {
    const { id } = await converse(b);
    const raw = await stored(id);
    expect(raw).toContain(EMAIL);
    expect(raw).toContain(CARD);
    expect(await rows('select live_text from app.calls where id = $1', [id])).toEqual([{ live_text: null }]);
  });

  it('applies from the next turn when the setting changes mid-session', async () => {
    expect((await patch(b, { settings: { redact_pii: true } })).statusCode).toBe(200);
    try {
      const s = await startSession(t.app, b.tokens.member, { agent_id: agents[b.id] });
      const id = s.json().id as string;
      expect((await say(t.app, b.tokens.member, id, `redacted: ${EMAIL}`)).statusCode).toBe(200);
      expect((await patch(b, { settings: { redact_pii: false } })).statusCode).toBe(200);
      expect((await say(t.app, b.tokens.member, id, `kept: ${EMAIL}`)).statusCode).toBe(200);
      const callerLines = (await rows('select text from app.call_messages where call_id = $1 and role = $2 order by seq', [id, 'caller'])).map((r) => r.text);
      expect(callerLines).toEqual(['redacted: [EMAIL]', `kept: ${EMAIL}`]);
    } finally {
      await patch(b, { settings: { redact_pii: false } });
    }
  });

  it('redacts event payloads before they are stored for delivery', async () => {
    const payloads: Record<string, string> = {};
    for (const org of [a, b]) {
      await created(t.app, org.tokens.admin, '/webhook-endpoints', { url: `${tools.origin}/hook`, events: ['call.ended'] });
      const { deliveryIds } = await withOrg(t.deps.db, { orgId: org.id }, (tx) => emitEvent(tx, { type: 'call.ended', data: { call_id: org.id, outcome: `callback ${PHONE}`, note: EMAIL } }));
      expect(deliveryIds).toHaveLength(1);
      payloads[org.id] = JSON.stringify(await rows('select payload from app.webhook_deliveries where id = $1', [deliveryIds[0]]));
    }
    noRaw(payloads[a.id]!);
    expect(payloads[a.id]).toContain('callback [PHONE]');
    expect(payloads[a.id]).toContain(a.id); // ids are not phone numbers
    expect(payloads[b.id]).toContain(EMAIL);
  });
});

describe(`organization settings (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'Settings');
  });
  afterAll(async () => t?.close());

  it('shows the defaults, changes each setting alone, and audits before and after', async () => {
    const get = await call(t.app, { method: 'GET', url: '/organization', token: org.tokens.viewer });
    expect(get.json().settings).toEqual({ redact_pii: false, retention_days: null });

    const on = await call(t.app, { method: 'PATCH', url: '/organization', token: org.tokens.admin, body: { settings: { redact_pii: true } } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ name: org.name, settings: { redact_pii: true, retention_days: null } });
    const days = await call(t.app, { method: 'PATCH', url: '/organization', token: org.tokens.owner, body: { settings: { retention_days: 30 } } });
    expect(days.json().settings).toEqual({ redact_pii: true, retention_days: 30 });
    const renamed = await call(t.app, { method: 'PATCH', url: '/organization', token: org.tokens.owner, body: { name: 'Renamed' } });
    expect(renamed.json()).toMatchObject({ name: 'Renamed', settings: { redact_pii: true, retention_days: 30 } });
    const off = await call(t.app, { method: 'PATCH', url: '/organization', token: org.tokens.owner, body: { settings: { redact_pii: false, retention_days: null } } });
    expect(off.json().settings).toEqual({ redact_pii: false, retention_days: null });
    expect((await call(t.app, { method: 'GET', url: '/organization', token: org.tokens.member })).json().settings).toEqual({ redact_pii: false, retention_days: null });

    const audit = await call(t.app, { method: 'GET', url: '/audit-log?action=organization.updated', token: org.tokens.owner });
    const entries = audit.json().data.map((e: { before: unknown; after: unknown; actor: { type: string } }) => ({ before: e.before, after: e.after })).reverse();
    expect(entries).toEqual([
      { before: { name: org.name, settings: { redact_pii: false, retention_days: null } }, after: { name: org.name, settings: { redact_pii: true, retention_days: null } } },
      { before: { name: org.name, settings: { redact_pii: true, retention_days: null } }, after: { name: org.name, settings: { redact_pii: true, retention_days: 30 } } },
      { before: { name: org.name, settings: { redact_pii: true, retention_days: 30 } }, after: { name: 'Renamed', settings: { redact_pii: true, retention_days: 30 } } },
      { before: { name: 'Renamed', settings: { redact_pii: true, retention_days: 30 } }, after: { name: 'Renamed', settings: { redact_pii: false, retention_days: null } } },
    ]);
  });

  it.each([
    [{ settings: { retention_days: 0 } }],
    [{ settings: { retention_days: 3651 } }],
    [{ settings: { retention_days: 1.5 } }],
    [{ settings: { retention_days: '30' } }],
    [{ settings: { redact_pii: 'yes' } }],
    [{ settings: { retain: 30 } }],
    [{ settings: null }],
    [{ settings: { org_id: '00000000-0000-4000-8000-000000000000' } }],
  ])('refuses %j with 400 and changes nothing', async (body) => {
    const before = (await call(t.app, { method: 'GET', url: '/organization', token: org.tokens.owner })).json().settings;
    const res = await call(t.app, { method: 'PATCH', url: '/organization', token: org.tokens.owner, body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBeDefined();
    expect((await call(t.app, { method: 'GET', url: '/organization', token: org.tokens.owner })).json().settings).toEqual(before);
  });

  it('only owners and admins change settings', async () => {
    for (const role of ['member', 'support_agent', 'viewer'] as const) {
      const res = await call(t.app, { method: 'PATCH', url: '/organization', token: org.tokens[role], body: { settings: { redact_pii: true } } });
      expect(res.statusCode).toBe(403);
    }
    expect((await call(t.app, { method: 'GET', url: '/organization', token: org.tokens.owner })).json().settings.redact_pii).toBe(false);
  });
});
