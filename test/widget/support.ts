/**
 * The widget endpoint under test: a real listening app, a web channel with an agent that answers from
 * its knowledge (converse-local), and a `ws` client that can send any Origin header.
 */
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { WidgetLimits } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, type TestApp, type TestDb } from '../helpers/harness.js';
import { createAgent, created, knowledgeFor } from '../sessions/support.js';

export const ORIGIN = 'https://shop.example';
export const REFUNDS = '# Refunds\n\nYou can return any product within 30 days of delivery for a full refund. Refunds are paid to the original card within five business days.';

export interface WidgetApp {
  t: TestApp;
  /** http://127.0.0.1:port */
  base: string;
  close(): Promise<void>;
}

export async function startWidgetApp(limits: Partial<WidgetLimits> = {}, opts: { testDb?: TestDb } = {}): Promise<WidgetApp> {
  const defaults = loadConfig({} as NodeJS.ProcessEnv).widget;
  const t = await createTestApp({ config: { widget: { ...defaults, ...limits } }, ...(opts.testDb ? { testDb: opts.testDb } : {}) });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  return { t, base: `http://127.0.0.1:${port}`, close: () => t.close() };
}

export interface WebOrg {
  org: TestOrg;
  agentId: string;
  channelId: string;
  flowId: string;
  flowChannelId: string;
}

/** An org with an agent answering from a refunds document and a digits flow, each behind a web channel. */
export async function seedWebOrg(w: WidgetApp, name: string, origins: string[] = [ORIGIN]): Promise<WebOrg> {
  const { app, deps } = w.t;
  const org = await createOrg(app, name);
  const agent = await createAgent(app, org.tokens.admin);
  await knowledgeFor(deps, app, org.tokens.admin, agent.id, 'Policies', REFUNDS);
  const flow = await created(app, org.tokens.admin, '/flows', {
    name: 'Orders',
    nodes: [
      { id: 'start', type: 'entry', data: {} },
      { id: 'hello', type: 'speak', data: { text: 'Welcome to Acme.' } },
      { id: 'ask', type: 'collect', data: { variable: 'order', prompt: 'Please key in your order number.', validation: 'digits' } },
      { id: 'tell', type: 'speak', data: { text: 'Order {{order}} is on its way.' } },
      { id: 'ask2', type: 'collect', data: { variable: 'more', prompt: 'Anything else? Key in a number.', validation: 'digits' } },
      { id: 'bye', type: 'end_call', data: { message: 'Goodbye.' } },
    ],
    variables: [],
    edges: ['start:hello', 'hello:ask', 'ask:tell', 'tell:ask2', 'ask2:bye'].map((e) => ({ id: e, source: e.split(':')[0], target: e.split(':')[1] })),
  });
  const channel = await created(app, org.tokens.admin, '/channels', { name: 'Site', type: 'web', provider: 'web', agent_id: agent.id, allowed_origins: origins });
  const flowChannel = await created(app, org.tokens.admin, '/channels', { name: 'Flow site', type: 'web', provider: 'web', flow_id: flow.id, allowed_origins: origins });
  return { org, agentId: agent.id, channelId: channel.id, flowId: flow.id, flowChannelId: flowChannel.id };
}

/** A session URL as a customer's backend gets it (API key, no Origin header), pointed at the test server. */
export async function sessionUrl(w: WidgetApp, apiKey: string, channelId: string): Promise<string> {
  const res = await call(w.t.app, { method: 'POST', url: `/channels/${channelId}/session-url`, token: apiKey });
  if (res.statusCode !== 200) throw new Error(`session-url: ${res.statusCode} ${res.body}`);
  const url = new URL(res.json().url as string);
  return `${w.base.replace(/^http/, 'ws')}${url.pathname}${url.search}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = Record<string, any>;

export interface Client {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves with the first frame (from the start of the connection) matching `pred` after `from`. */
  waitFor(pred: (f: Frame) => boolean, from?: number): Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
}

/** `origin: null` sends no Origin header (not a browser). */
export function connect(url: string, origin: string | null = ORIGIN): Client {
  const ws = new WebSocket(url, { headers: origin === null ? {} : { origin } });
  const frames: Frame[] = [];
  const waiters: Array<{ pred: (f: Frame) => boolean; from: number; resolve: (f: Frame) => void }> = [];
  let closedInfo: { code: number; reason: string } | null = null;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const w of [...waiters]) {
      const hit = frames.slice(w.from).find(w.pred);
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      closedInfo = { code, reason: reason.toString() };
      resolve(closedInfo);
    });
    ws.on('error', () => undefined);
  });
  return {
    ws,
    frames,
    closed,
    waitFor: (pred, from = 0) => {
      const hit = frames.slice(from).find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, from, resolve });
        void closed.then(() => setTimeout(() => reject(new Error(`closed ${JSON.stringify(closedInfo)} before the frame; got ${JSON.stringify(frames)}`)), 50));
      });
    },
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
  };
}

/** The calls the org has, as GET /calls lists them. */
export async function callsOf(w: WidgetApp, token: string): Promise<Frame[]> {
  const res = await call(w.t.app, { method: 'GET', url: '/calls', token });
  return res.json().data as Frame[];
}
