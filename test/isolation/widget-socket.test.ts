/**
 * The widget WebSocket routes in the isolation matrix, run by hand (a WebSocket is no JSON row): for
 * callers of both orgs, a genuine session-url token of the caller's own web channel opens a session on
 * its own target only; on the other org's agent or flow it is refused exactly like on an id that never
 * existed (1008, no frame), and nothing is recorded in either org. test/widget/attacks.test.ts has the
 * forged, expired, reused and Origin cases.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modeName } from '../helpers/harness.js';
import { call } from '../helpers/api.js';
import { callsOf, connect, seedWebOrg, sessionUrl, startWidgetApp, type WebOrg, type WidgetApp } from '../widget/support.js';

describe(`isolation: the widget WebSocket routes (${modeName})`, () => {
  let w: WidgetApp;
  const orgs: Record<'A' | 'B', WebOrg> = {} as Record<'A' | 'B', WebOrg>;

  beforeAll(async () => {
    w = await startWidgetApp();
    orgs.A = await seedWebOrg(w, 'Iso A');
    orgs.B = await seedWebOrg(w, 'Iso B');
  });
  afterAll(async () => {
    await w?.close();
  });

  /** Opens the socket with the caller org's own token on `path`; what the client saw. */
  async function open(org: WebOrg, kind: 'agent' | 'flow', targetId: string): Promise<{ code: number; reason: string; frames: string[] }> {
    const own = new URL(await sessionUrl(w, org.org.apiKey, kind === 'agent' ? org.channelId : org.flowChannelId));
    const c = connect(`${own.origin}/ws/${kind}/${targetId}${own.search}`);
    const first = await Promise.race([c.waitFor((f) => f.type === 'session').then(() => 'session'), c.closed.then(() => 'closed')]);
    if (first === 'session') c.ws.close();
    const closed = await c.closed;
    return { ...closed, frames: first === 'session' ? ['session'] : c.frames.map((f) => String(f.type)) };
  }

  for (const caller of ['A', 'B'] as const) {
    for (const kind of ['agent', 'flow'] as const) {
      it(`org ${caller}, /ws/${kind}/:id: own → a session; the other org's id answers exactly like a missing one, and records nothing`, async () => {
        const me = orgs[caller];
        const other = orgs[caller === 'A' ? 'B' : 'A'];
        const idOf = (o: WebOrg) => (kind === 'agent' ? o.agentId : o.flowId);
        const before = await callsOf(w, other.org.tokens.admin);

        expect((await open(me, kind, idOf(me))).frames).toEqual(['session']);
        const theirs = await open(me, kind, idOf(other));
        const missing = await open(me, kind, randomUUID());
        expect(theirs).toEqual({ code: 1008, reason: 'policy violation', frames: [] });
        expect(theirs).toEqual(missing);
        expect(await callsOf(w, other.org.tokens.admin)).toEqual(before);
      });
    }
  }

  /** POST /sessions/voice-url as the console on this server does it (a member's token, the page's Origin, this Host). */
  async function voiceUrl(org: WebOrg, body: { agent_id?: string; flow_id?: string }, origin: string | null = w.base) {
    const headers = { host: new URL(w.base).host, ...(origin ? { origin } : {}) };
    return call(w.t.app, { method: 'POST', url: '/sessions/voice-url', token: org.org.tokens.member, body, headers });
  }

  async function openWith(url: string, origin: string | null): Promise<{ code: number; frames: string[]; session: string | null }> {
    const c = connect(url, origin);
    const first = await Promise.race([c.waitFor((f) => f.type === 'session'), c.closed.then(() => null)]);
    if (first) c.ws.close();
    const closed = await c.closed;
    return { code: closed.code, frames: c.frames.map((f) => String(f.type)), session: first ? String(first.id) : null };
  }

  it('console voice URLs: a test session on the own target, from this server\'s origin, once; another org\'s target is a 404 to mint and a 1008 to open, recording nothing', async () => {
    const a = orgs.A;
    const b = orgs.B;
    for (const body of [{ agent_id: b.agentId }, { flow_id: b.flowId }, { agent_id: randomUUID() }]) {
      const res = await voiceUrl(a, body);
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    // Minted from a page of another site: refused.
    expect((await voiceUrl(a, { agent_id: a.agentId }, 'https://evil.example')).statusCode).toBe(403);

    const minted = await voiceUrl(a, { agent_id: a.agentId });
    expect(minted.statusCode, minted.body).toBe(201);
    const { url, token, expires_at: expiresAt } = minted.json();
    expect(url).toBe(`${w.base.replace(/^http/, 'ws')}/ws/agent/${a.agentId}?token=${encodeURIComponent(token)}`);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(120_000);

    const beforeB = await callsOf(w, b.org.tokens.admin);
    // Org A's token on org B's agent, and on a flow path: refused before anything runs.
    const onB = await openWith(url.replace(a.agentId, b.agentId), w.base);
    expect(onB).toEqual({ code: 1008, frames: [], session: null });
    expect((await openWith(url.replace(`/agent/${a.agentId}`, `/flow/${a.flowId}`), w.base)).code).toBe(1008);
    // From another site's page, or without an Origin: refused.
    expect((await openWith(url, 'https://shop.example')).code).toBe(1008);
    expect((await openWith(url, null)).code).toBe(1008);
    expect(await callsOf(w, b.org.tokens.admin)).toEqual(beforeB);

    const own = await openWith(url, w.base);
    expect(own.session).not.toBeNull();
    const session = (await call(w.t.app, { method: 'GET', url: `/calls/${own.session}`, token: a.org.tokens.admin })).json();
    expect(session).toMatchObject({ channel: 'web', channel_id: null, mode: 'test', agent_id: a.agentId });
    // Single use.
    expect((await openWith(url, w.base)).code).toBe(1008);
    // A channel's session token is no console token: it still needs the channel's allowed Origin.
    expect((await openWith(await sessionUrl(w, a.org.apiKey, a.channelId), w.base)).code).toBe(1008);
  });
});
