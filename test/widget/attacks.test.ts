/**
 * Every refusal of the widget endpoint: closed with 1008 (policy violation) before anything runs — no
 * frame sent, no session started, no call recorded in either org.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSessionToken } from '../../src/features/channels/session-token.js';
import { createWebSessionTokens } from '../../src/platform/auth/session-tokens.js';
import { call } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { callsOf, connect, ORIGIN, seedWebOrg, sessionUrl, startWidgetApp, type WebOrg, type WidgetApp } from './support.js';

describe(`widget WebSocket refusals (${modeName})`, () => {
  let w: WidgetApp;
  let a: WebOrg;
  let b: WebOrg;
  let wsBase: string;

  beforeAll(async () => {
    w = await startWidgetApp();
    a = await seedWebOrg(w, 'Widget A');
    b = await seedWebOrg(w, 'Widget B');
    wsBase = w.base.replace(/^http/, 'ws');
  });
  afterAll(async () => {
    await w?.close();
  });

  /** Connects, expects a 1008 close with no frame at all, and no new call in either org. */
  async function refused(url: string, origin: string | null = ORIGIN): Promise<void> {
    const before = [(await callsOf(w, a.org.tokens.admin)).length, (await callsOf(w, b.org.tokens.admin)).length];
    const c = connect(url, origin);
    c.ws.on('open', () => c.send({ type: 'message', text: 'hello?' }));
    const closed = await c.closed;
    expect(closed).toEqual({ code: 1008, reason: 'policy violation' });
    expect(c.frames).toEqual([]);
    expect([(await callsOf(w, a.org.tokens.admin)).length, (await callsOf(w, b.org.tokens.admin)).length]).toEqual(before);
  }

  const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
  const withToken = (path: string, token: string) => `${wsBase}${path}?token=${encodeURIComponent(token)}`;

  it('refuses an expired token', async () => {
    const { token } = signSessionToken(w.t.deps.webSessions, { org_id: a.org.id, channel_id: a.channelId, target: { kind: 'agent', id: a.agentId }, origin: null }, { now: Date.now() - 301_000 });
    await refused(withToken(`/ws/agent/${a.agentId}`, token));
  });

  it('refuses a forged token: another key, a changed claim, a flipped MAC byte, garbage, none', async () => {
    const claims = { org_id: a.org.id, channel_id: a.channelId, target: { kind: 'agent' as const, id: a.agentId }, origin: null };
    await refused(withToken(`/ws/agent/${a.agentId}`, createWebSessionTokens(randomBytes(32)).sign(claims).token));
    const genuine = tokenOf(await sessionUrl(w, b.org.apiKey, b.channelId));
    const [prefix, body, mac] = genuine.split('.') as [string, string, string];
    const forged = { ...JSON.parse(Buffer.from(body, 'base64url').toString()), org_id: a.org.id, channel_id: a.channelId, target: { kind: 'agent', id: a.agentId } };
    await refused(withToken(`/ws/agent/${a.agentId}`, `${prefix}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`));
    const flipped = mac.slice(0, -2) + (mac.at(-2) === 'A' ? 'B' : 'A') + mac.at(-1);
    await refused(withToken(`/ws/agent/${b.agentId}`, `${prefix}.${body}.${flipped}`));
    await refused(withToken(`/ws/agent/${a.agentId}`, 'cvs1.e30.x'));
    await refused(`${wsBase}/ws/agent/${a.agentId}`);
  });

  it("refuses another org's channel: B's genuine token on A's agent, and a token naming A's channel under B's org", async () => {
    const bToken = tokenOf(await sessionUrl(w, b.org.apiKey, b.channelId));
    await refused(withToken(`/ws/agent/${a.agentId}`, bToken));
    // Even a correctly signed token cannot move a channel to another org: the channel is read in the token's org.
    const { token } = signSessionToken(w.t.deps.webSessions, { org_id: b.org.id, channel_id: a.channelId, target: { kind: 'agent', id: a.agentId }, origin: null });
    await refused(withToken(`/ws/agent/${a.agentId}`, token));
  });

  it('refuses a token for another target: another flow id, the agent path with a flow token, a non-uuid id', async () => {
    const flowToken = tokenOf(await sessionUrl(w, a.org.apiKey, a.flowChannelId));
    await refused(withToken(`/ws/flow/${b.flowId}`, flowToken));
    await refused(withToken(`/ws/flow/${randomUUID()}`, tokenOf(await sessionUrl(w, a.org.apiKey, a.flowChannelId))));
    await refused(withToken(`/ws/agent/${a.flowId}`, tokenOf(await sessionUrl(w, a.org.apiKey, a.flowChannelId))));
    await refused(withToken('/ws/flow/not-a-uuid', tokenOf(await sessionUrl(w, a.org.apiKey, a.flowChannelId))));
  });

  it('refuses a missing Origin, a look-alike Origin, and an Origin other than the one the token was minted for', async () => {
    await refused(await sessionUrl(w, a.org.apiKey, a.channelId), null);
    for (const origin of ['https://shop.example.evil.org', 'http://shop.example', 'https://shop.example:443.evil.org', 'https://evil.example', 'null', 'https://SHOP.example ']) {
      await refused(await sessionUrl(w, a.org.apiKey, a.channelId), origin);
    }
    // Minted from a browser page on shop.example (allowed), presented from another allowed origin.
    await call(w.t.app, { method: 'PATCH', url: `/channels/${a.channelId}`, token: a.org.tokens.admin, body: { allowed_origins: [ORIGIN, 'https://other.example'] } });
    const res = await call(w.t.app, { method: 'POST', url: `/channels/${a.channelId}/session-url`, token: a.org.apiKey, headers: { origin: ORIGIN } });
    expect(res.statusCode).toBe(200);
    await refused(withToken(`/ws/agent/${a.agentId}`, tokenOf(res.json().url)), 'https://other.example');
    await call(w.t.app, { method: 'PATCH', url: `/channels/${a.channelId}`, token: a.org.tokens.admin, body: { allowed_origins: [ORIGIN] } });
  });

  it('refuses a token used a second time (single use), also after the first connection closed', async () => {
    const url = await sessionUrl(w, a.org.apiKey, a.channelId);
    const first = connect(url);
    await first.waitFor((f) => f.type === 'session');
    await refused(url);
    first.ws.close();
    await first.closed;
    await refused(url);
  });

  it('refuses the resume of another session, of another channel or org, and a resume token that is not one', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const mine = await c.waitFor((f) => f.type === 'session');
    const other = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const theirs = await other.waitFor((f) => f.type === 'session');
    const bc = connect(await sessionUrl(w, b.org.apiKey, b.channelId));
    const bs = await bc.waitFor((f) => f.type === 'session');

    const resume = async (apiKey: string, channelId: string, session: string, token: string) => {
      const url = new URL(await sessionUrl(w, apiKey, channelId));
      url.searchParams.set('session', session);
      url.searchParams.set('resume', token);
      return url.toString();
    };
    await refused(await resume(a.org.apiKey, a.channelId, theirs.id, mine.resume_token));
    await refused(await resume(a.org.apiKey, a.channelId, bs.id, bs.resume_token));
    await refused(await resume(b.org.apiKey, b.channelId, mine.id, mine.resume_token));
    await refused(await resume(a.org.apiKey, a.flowChannelId, mine.id, mine.resume_token));
    await refused(await resume(a.org.apiKey, a.channelId, mine.id, 'x'.repeat(43)));
    await refused(await resume(a.org.apiKey, a.channelId, 'not-a-uuid', mine.resume_token));
    const noResume = new URL(await sessionUrl(w, a.org.apiKey, a.channelId));
    noResume.searchParams.set('session', mine.id);
    await refused(noResume.toString());

    // The sessions refused above are untouched: their own connections still talk.
    c.send({ type: 'message', text: 'How many days for a refund?' });
    expect(await c.waitFor((f) => f.type === 'message' && f.role === 'agent' && /30 days/.test(f.text as string))).toBeTruthy();
    for (const x of [c, other, bc]) x.ws.close();
  });

  it('a plain GET (no upgrade) is a 404 in the API error shape', async () => {
    const res = await w.t.app.inject({ method: 'GET', url: `/ws/agent/${a.agentId}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
