/**
 * Two API instances in one test process, as two servers behind a load balancer: two apps (each with its
 * own Deps, hub, session runtime and LISTEN connection) on one PostgreSQL database and one master key,
 * listening on two ports. Their fan-out uses a channel of this test file's own.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, type TestApp } from '../helpers/harness.js';
import { created, createAgent } from '../sessions/support.js';
import { ORIGIN, type WidgetApp } from '../widget/support.js';

export const NEEDS_POSTGRES = 'the cross-process fan-out is PostgreSQL mode only (embedded mode is one process per database folder)';

export interface Instance {
  t: TestApp;
  port: number;
  /** For the widget helpers (sessionUrl, connect) aimed at this instance. */
  w: WidgetApp;
}

async function listening(t: TestApp): Promise<Instance> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  return { t, port, w: { t, base: `http://127.0.0.1:${port}`, close: () => t.close() } };
}

export async function startTwoInstances(): Promise<{ a: Instance; b: Instance; channel: string; close(): Promise<void> }> {
  const notifyChannel = `cv_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const ta = await createTestApp({ notifyChannel });
  const tb = await createTestApp({ testDb: ta.testDb, keyring: ta.keyring, notifyChannel });
  const a = await listening(ta);
  const b = await listening(tb);
  return { a, b, channel: notifyChannel, close: async () => { await tb.close(); await ta.close(); } };
}

/** An org whose web channel talks to an agent that can hand off to a person (the caller asks for one). */
export async function seedHandoffOrg(i: Instance, name: string): Promise<{ org: TestOrg; agentId: string; channelId: string }> {
  const { app } = i.t;
  const org = await createOrg(app, name);
  const agent = await createAgent(app, org.tokens.admin, { tools_builtin: ['human_handoff', 'end_call'] });
  const channel = await created(app, org.tokens.admin, '/channels', { name: 'Site', type: 'web', provider: 'web', agent_id: agent.id, allowed_origins: [ORIGIN] });
  return { org, agentId: agent.id, channelId: channel.id };
}

/** The escalation of a session, as the org's support agent lists it. */
export async function escalationOf(i: Instance, org: TestOrg, sessionId: string): Promise<string> {
  const list = await call(i.t.app, { method: 'GET', url: `/escalations?call_id=${sessionId}`, token: org.tokens.support_agent });
  const id = list.json().data[0]?.id as string | undefined;
  if (!id) throw new Error(`no escalation: ${list.body}`);
  return id;
}
