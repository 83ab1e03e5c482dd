/** The widget endpoint's per-connection limits, configured small (CONVERSE_WIDGET_*). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { connect, seedWebOrg, sessionUrl, startWidgetApp, type WebOrg, type WidgetApp } from './support.js';

describe(`widget WebSocket limits (${modeName})`, () => {
  let w: WidgetApp;
  let a: WebOrg;

  beforeAll(async () => {
    w = await startWidgetApp({ maxFrameBytes: 2048, messageBurst: 3, messagesPerMinute: 1, idleSeconds: 2, resumeSeconds: 1, maxConnectionsPerChannel: 2 });
    a = await seedWebOrg(w, 'Limits');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('closes the connection on a frame over the size cap (1009)', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    await c.waitFor((f) => f.type === 'message');
    c.send({ type: 'message', text: 'x'.repeat(3000) });
    expect((await c.closed).code).toBe(1009);
  });

  it('refuses frames over the rate with error frames, then closes a client that keeps going (1008)', async () => {
    const c = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    await c.waitFor((f) => f.type === 'message');
    for (let i = 0; i < 3; i++) c.send({ type: 'dtmf', digits: '1' });
    c.send({ type: 'message', text: 'one too many' });
    expect(await c.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'rate_limited' });
    for (let i = 0; i < 5; i++) c.send({ type: 'message', text: 'more' });
    expect(await c.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    expect(c.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited').length).toBeGreaterThanOrEqual(5);
  });

  it('ends an idle connection\'s session and says why; a dropped one is ended after the resume window', async () => {
    const idle = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const s = await idle.waitFor((f) => f.type === 'session');
    expect(await idle.waitFor((f) => f.type === 'ended')).toEqual({ type: 'ended', reason: 'idle_timeout' });
    expect((await idle.closed).code).toBe(1000);
    expect((await call(w.t.app, { method: 'GET', url: `/calls/${s.id}`, token: a.org.tokens.admin })).json().status).toBe('ended');

    const dropped = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const d = await dropped.waitFor((f) => f.type === 'session');
    dropped.ws.terminate();
    await dropped.closed;
    let status = 'active';
    for (let i = 0; i < 50 && status !== 'ended'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call(w.t.app, { method: 'GET', url: `/calls/${d.id}`, token: a.org.tokens.admin })).json().status;
    }
    expect(status).toBe('ended');
  });

  it('caps connections per channel (1013 past the cap), and frees the slot when one closes', async () => {
    const one = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    const two = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    await one.waitFor((f) => f.type === 'session');
    await two.waitFor((f) => f.type === 'session');
    const three = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    expect((await three.closed).code).toBe(1013);
    // Another channel of the org is not affected.
    const flow = connect(await sessionUrl(w, a.org.apiKey, a.flowChannelId));
    await flow.waitFor((f) => f.type === 'session');
    one.ws.close();
    await one.closed;
    const four = connect(await sessionUrl(w, a.org.apiKey, a.channelId));
    expect(await four.waitFor((f) => f.type === 'session')).toMatchObject({ resumed: false });
    for (const c of [two, flow, four]) c.ws.close();
  });
});
