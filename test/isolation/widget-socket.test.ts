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
});
