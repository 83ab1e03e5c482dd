import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/deps.js';
import { call } from '../helpers/api.js';
import { settle } from '../knowledge/support.js';

export async function created(app: FastifyInstance, token: string, url: string, body: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(app, { method: 'POST', url, token, body });
  if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

export const createAgent = (app: FastifyInstance, token: string, body: Record<string, unknown> = {}) =>
  created(app, token, '/agents', { name: 'Helper', system_prompt: 'You help callers of Acme.', greeting: 'Hi, this is Acme. How can I help?', ...body });

/** A text document, ingested by the real worker and assigned to the agent. */
export async function knowledgeFor(deps: Deps, app: FastifyInstance, token: string, agentId: string | null, name: string, content: string): Promise<string> {
  const res = await call(app, { method: 'POST', url: '/knowledge/ingest-text', token, body: { name, content } });
  if (res.statusCode !== 201 && res.statusCode !== 202) throw new Error(`ingest: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  const doc = await settle(deps, app, token, id);
  if (doc.status !== 'ready') throw new Error(`document ${id} is ${doc.status}`);
  if (agentId) {
    const a = await call(app, { method: 'POST', url: `/knowledge/agent/${agentId}/assign/${id}`, token });
    if (a.statusCode !== 201 && a.statusCode !== 200) throw new Error(`assign: ${a.statusCode} ${a.body}`);
  }
  return id;
}

export const startSession = (app: FastifyInstance, token: string, body: Record<string, unknown>) => call(app, { method: 'POST', url: '/sessions', token, body });
export const say = (app: FastifyInstance, token: string, id: string, text: string) => call(app, { method: 'POST', url: `/sessions/${id}/messages`, token, body: { text } });

/** Parses an SSE body into its events. */
export function sseEvents(body: string): Array<{ event: string; data: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return body
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}
