import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { sessionRuntime } from '../../src/pipeline/index.js';
import { callsOf, connect, seedWebOrg, sessionUrl, startWidgetApp, type WebOrg, type WidgetApp } from './support.js';

describe(`the widget WebSocket (${modeName})`, () => {
  let w: WidgetApp;
  let a: WebOrg;

  beforeAll(async () => {
    w = await startWidgetApp();
    a = await seedWebOrg(w, 'Widget A');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('talks with the agent: greeting, an answer from its knowledge streamed as deltas then a message, end → ended; the call is recorded as web with the channel', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const session = await c.waitFor((f) => f.type === 'session');
    expect(session).toMatchObject({ resumed: false, id: expect.stringMatching(/^[0-9a-f-]{36}$/), resume_token: expect.any(String) });
    const greeting = await c.waitFor((f) => f.type === 'message');
    expect(greeting).toEqual({ type: 'message', role: 'agent', text: 'Hi, this is Acme. How can I help?' });

    const mark = c.frames.length;
    c.send({ type: 'message', text: 'How many days do I have to return a product for a refund?' });
    const answer = await c.waitFor((f) => f.type === 'message', mark);
    expect(answer.role).toBe('agent');
    expect(answer.text).toMatch(/30 days/);
    const turn = c.frames.slice(mark, c.frames.indexOf(answer));
    expect(turn.length).toBeGreaterThan(0);
    expect(turn.every((f) => f.type === 'delta')).toBe(true);
    expect(turn.map((f) => f.text).join('')).toBe(answer.text);

    c.send({ type: 'end' });
    expect(await c.waitFor((f) => f.type === 'ended')).toEqual({ type: 'ended', reason: 'caller_hangup' });
    expect((await c.closed).code).toBe(1000);

    const detail = (await call(w.t.app, { method: 'GET', url: `/calls/${session.id}`, token: a.org.tokens.admin })).json();
    expect(detail).toMatchObject({ id: session.id, channel: 'web', channel_id: a.channelId, agent_id: a.agentId, status: 'ended' });
    expect(detail.transcript.map((m: { role: string }) => m.role)).toEqual(['agent', 'caller', 'agent', 'system']);
    expect(detail.knowledge_hits.length).toBeGreaterThan(0);
  });

  it('runs a flow with DTMF frames until it ends by itself', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.flowChannelId));
    const session = await c.waitFor((f) => f.type === 'session');
    await c.waitFor((f) => f.type === 'message' && f.text === 'Please key in your order number.');
    c.send({ type: 'dtmf', digits: '4521' });
    await c.waitFor((f) => f.type === 'message' && f.text === 'Order 4521 is on its way.');
    c.send({ type: 'dtmf', digits: '9' });
    expect(await c.waitFor((f) => f.type === 'ended')).toEqual({ type: 'ended', reason: 'completed' });
    expect((await c.closed).code).toBe(1000);
    const detail = (await call(w.t.app, { method: 'GET', url: `/calls/${session.id}`, token: a.org.tokens.admin })).json();
    expect(detail).toMatchObject({ channel: 'web', channel_id: a.flowChannelId, flow_id: a.flowId, status: 'ended', variables: { order: '4521', more: '9' } });
  });

  it('answers bad frames with error frames and keeps the connection', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    await c.waitFor((f) => f.type === 'message');
    let mark = c.frames.length;
    c.send('not json');
    expect(await c.waitFor((f) => f.type === 'error', mark)).toMatchObject({ code: 'invalid_json' });
    mark = c.frames.length;
    c.send({ type: 'shout', text: 'hi' });
    expect(await c.waitFor((f) => f.type === 'error', mark)).toMatchObject({ code: 'invalid_frame', message: expect.stringMatching(/Unknown frame type/) });
    mark = c.frames.length;
    c.send({ type: 'dtmf', digits: '12a' });
    expect(await c.waitFor((f) => f.type === 'error', mark)).toMatchObject({ code: 'invalid_frame', message: expect.stringMatching(/^digits:/) });
    mark = c.frames.length;
    c.send('{"type":"message","text":"nul \\u0000 here"}');
    expect(await c.waitFor((f) => f.type === 'error', mark)).toMatchObject({ code: 'invalid_frame', message: expect.stringMatching(/^text:/) });
    mark = c.frames.length;
    // Audio is whole 16-bit samples: half a sample is refused, and voice does not start.
    c.ws.send(Buffer.alloc(641));
    expect(await c.waitFor((f) => f.type === 'error', mark)).toMatchObject({ code: 'invalid_audio' });
    mark = c.frames.length;
    c.send({ type: 'message', text: 'Do you do refunds?' });
    expect(await c.waitFor((f) => f.type === 'message', mark)).toMatchObject({ role: 'agent', text: expect.stringMatching(/30 days/) });
    c.ws.close();
  });

  it('forwards a turn another transport ran (a person writing into the session) as a message frame, and not its own turns twice', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const session = await c.waitFor((f) => f.type === 'session');
    await c.waitFor((f) => f.type === 'message');
    const mark = c.frames.length;
    // What POST /escalations/{id}/messages does: a human_message turn from an HTTP request.
    const reply = await sessionRuntime(w.t.deps).send({ orgId: a.org.id }, session.id, { type: 'human_message', text: 'Hello, this is Sam from support.' });
    expect(reply.messages.length).toBeGreaterThan(0);
    expect(await c.waitFor((f) => f.type === 'message', mark)).toEqual({ type: 'message', role: 'human', text: 'Hello, this is Sam from support.' });
    c.send({ type: 'message', text: 'How many days for a refund?' });
    const answer = await c.waitFor((f) => f.type === 'message' && f.role === 'agent', mark);
    expect(answer.text).toMatch(/30 days/);
    c.send({ type: 'end' });
    await c.closed;
    expect(c.frames.filter((f) => f.type === 'message' && f.role === 'agent' && /30 days/.test(f.text as string)).length).toBe(1);
    expect(c.frames.filter((f) => f.type === 'message' && f.role === 'human').length).toBe(1);
  });

  it('serves /widget.js compiled to one script other origins may load, and the demo page under its own CSP', async () => {
    const js = await w.t.app.inject({ method: 'GET', url: '/widget.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(js.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(js.body).toMatch(/ConverseWidget/);
    expect(js.body).not.toMatch(/^\s*(import|export)\b|: string\b|interface /m);
    expect(() => new Function(js.body)).not.toThrow(); // syntactically a plain script
    const demo = await w.t.app.inject({ method: 'GET', url: '/widget/demo' });
    expect(demo.statusCode).toBe(200);
    expect(demo.headers['content-security-policy']).toBe("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'");
    expect(demo.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await w.t.app.inject({ method: 'GET', url: '/widget/demo.js' })).body).toMatch(/session-url/);
  });

  it('resumes the same session after a drop, with the transcript, through a fresh token and the resume token', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const session = await c.waitFor((f) => f.type === 'session');
    await c.waitFor((f) => f.type === 'message');
    c.send({ type: 'message', text: 'How many days for a refund?' });
    await c.waitFor((f) => f.type === 'message' && /30 days/.test(f.text as string));
    c.ws.terminate();
    await c.closed;

    const url = new URL(await sessionUrl(w, a.org.apiKey, a.channelId));
    url.searchParams.set('session', session.id);
    url.searchParams.set('resume', session.resume_token);
    const again = connect(url.toString());
    const resumed = await again.waitFor((f) => f.type === 'session');
    expect(resumed).toMatchObject({ id: session.id, resumed: true });
    expect(resumed.messages.map((m: { role: string }) => m.role)).toEqual(['agent', 'caller', 'agent']);
    again.send({ type: 'message', text: 'And how are refunds paid?' });
    const answer = await again.waitFor((f) => f.type === 'message' && f.role === 'agent');
    expect(answer.text).toMatch(/card|refund/i);
    again.send({ type: 'end' });
    await again.closed;
    const calls = (await callsOf(w, a.org.tokens.admin)).filter((x) => x.id === session.id);
    expect(calls).toHaveLength(1);
    const detail = (await call(w.t.app, { method: 'GET', url: `/calls/${session.id}`, token: a.org.tokens.admin })).json();
    expect(detail.transcript.filter((m: { role: string }) => m.role === 'caller').length).toBe(2);
  });
});
