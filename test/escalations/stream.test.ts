/**
 * GET /escalations/stream over a real socket: org-scoped events, every role, the per-org connection
 * limit, a credential that stops being valid, and server shutdown. Waits are for events, never for time.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/features/auth/authenticate.js';
import { escalationHub } from '../../src/features/escalations/hub.js';
import { openEscalationStream, STREAM_DEFAULTS } from '../../src/features/escalations/stream.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { expectError } from '../http/support.js';
import { created, createAgent, say } from '../sessions/support.js';
import { handedOffSession, post } from './support.js';
import { ReadableStreamFromNode, SseReader } from './sse.js';

describe(`GET /escalations/stream (${modeName})`, () => {
  let t: TestApp;
  let a: TestOrg;
  let b: TestOrg;
  let serverPort: number;
  let agentA: string;

  /** One request on a connection of its own (no pool: every stream is its own socket, as a browser's EventSource). */
  const open = (token: string, port = serverPort) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/api/v1/escalations/stream', agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, resolve).on('error', reject);
    });
  const errorCode = async (res: http.IncomingMessage) => {
    let body = '';
    for await (const chunk of res) body += String(chunk);
    return (JSON.parse(body) as { error: { code: string } }).error.code;
  };
  async function stream(token: string, port = serverPort): Promise<SseReader> {
    const res = await open(token, port);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const r = new SseReader(ReadableStreamFromNode(res).getReader(), () => res.destroy());
    expect((await r.next())?.event).toBe('ready');
    return r;
  }

  beforeAll(async () => {
    t = await createTestApp();
    a = await createOrg(t.app, 'Stream A');
    b = await createOrg(t.app, 'Stream B');
    agentA = (await createAgent(t.app, a.tokens.admin, { tools_builtin: ['human_handoff'] })).id;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    serverPort = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => t?.close());

  it("org A's stream carries A's queue live (created, claimed, message, released); org B's stream gets none of it", async () => {
    const streamA = await stream(a.tokens.support_agent);
    const streamB = await stream(b.tokens.support_agent);

    const { sessionId, escalationId } = await handedOffSession(t.app, a, agentA);
    const createdEv = (await streamA.until((e) => e.event === 'created')).at(-1)!;
    expect(createdEv.data.escalation).toMatchObject({ id: escalationId, call_id: sessionId, status: 'waiting' });

    await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/claim`);
    expect((await streamA.next())).toMatchObject({ event: 'claimed', data: { escalation: { id: escalationId, status: 'claimed' } } });
    await say(t.app, a.tokens.member, sessionId, 'Are you there?');
    expect(await streamA.next()).toMatchObject({ event: 'message', data: { escalation: { id: escalationId }, messages: [{ role: 'caller', text: 'Are you there?' }] } });
    await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'Yes, Dana here.' });
    expect(await streamA.next()).toMatchObject({ event: 'message', data: { messages: [{ role: 'human', text: 'Yes, Dana here.' }] } });
    await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/release`);
    expect(await streamA.next()).toMatchObject({ event: 'released', data: { escalation: { id: escalationId, status: 'closed', closed_reason: 'released' } } });

    // B's first event after all of that is its own escalation: nothing of A came before it.
    const mine = await handedOffSession(t.app, b);
    const seenByB = await streamB.until((e) => e.event === 'created');
    expect(seenByB).toEqual([expect.objectContaining({ event: 'created', data: expect.objectContaining({ escalation: expect.objectContaining({ id: mine.escalationId }) }) })]);
    expect(JSON.stringify(seenByB)).not.toContain(a.id);
    expect(JSON.stringify(seenByB)).not.toContain(sessionId);
    streamA.cancel();
    streamB.cancel();
  });

  it('owners, admins, support agents and admin API keys may watch; members and viewers get 403; no SSE Accept is a 400', async () => {
    for (const token of [a.tokens.owner, a.tokens.admin, a.tokens.support_agent, a.apiKey]) (await stream(token)).cancel();
    for (const token of [a.tokens.member, a.tokens.viewer]) {
      const res = await open(token);
      expect(res.statusCode).toBe(403);
      expect(await errorCode(res)).toBe('forbidden');
    }
    expect((await open('not-a-token')).statusCode).toBe(401);
    expectError(await call(t.app, { method: 'GET', url: '/escalations/stream', token: a.tokens.support_agent }), 400);
  });

  it(`at most ${STREAM_DEFAULTS.maxPerOrg} streams per organization; another org is not affected`, async () => {
    const readers: SseReader[] = [];
    for (let i = 0; i < STREAM_DEFAULTS.maxPerOrg; i++) readers.push(await stream(a.tokens.support_agent));
    const over = await open(a.tokens.support_agent);
    expect(over.statusCode).toBe(429);
    expect(await errorCode(over)).toBe('rate_limited');
    const other = await stream(b.tokens.support_agent);
    for (const r of [...readers, other]) r.cancel();
  });

  it('a credential revoked while the stream is open ends it at the next heartbeat with a closed event', async () => {
    const key = await created(t.app, a.tokens.owner, '/api-keys', { name: 'console', role: 'support_agent' });
    const principal = await authenticate(t.deps, `Bearer ${key.key}`);
    const s = openEscalationStream(t.deps, principal, `Bearer ${key.key}`, { heartbeatMs: 50, maxPerOrg: 100 });
    const reader = new SseReader((ReadableStreamFromNode(s)).getReader());
    expect((await reader.next())?.event).toBe('ready');
    expect((await call(t.app, { method: 'DELETE', url: `/api-keys/${key.id}`, token: a.tokens.owner })).statusCode).toBe(204);
    expect(await reader.until((e) => e.event === 'closed')).toEqual([{ event: 'closed', data: { reason: 'credential_invalid' } }]);
    expect(await reader.next()).toBeNull();
  });

  it('server shutdown ends every open stream with a closed event, and the server closes', async () => {
    // A server of its own (same database and keys): its close is the subject.
    const own = await createTestApp({ testDb: t.testDb, keyring: t.keyring });
    await own.app.listen({ port: 0, host: '127.0.0.1' });
    const reader = await stream(a.tokens.support_agent, (own.app.server.address() as net.AddressInfo).port);
    expect(escalationHub(own.deps).connections(a.id)).toBe(1);
    const closing = own.app.close();
    expect(await reader.until((e) => e.event === 'closed')).toEqual([{ event: 'closed', data: { reason: 'shutdown' } }]);
    expect(await reader.next()).toBeNull();
    await closing;
    expect(escalationHub(own.deps).connections(a.id)).toBe(0);
  });
});
