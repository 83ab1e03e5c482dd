import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { call } from '../helpers/api.js';

/** The smallest flow that validates: entry → end_call. */
export const minimalFlow = (name = 'Hello') => ({
  name,
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'bye', type: 'end_call', data: { message: 'Goodbye {{caller_number}}' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'bye' }],
});

/** entry → agent node naming `agentId` (an open end: the agent owns the rest of the conversation). */
export const flowToAgent = (agentId: string) => ({
  name: 'Hand to agent',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'handoff', type: 'agent', data: { agent_id: agentId } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'handoff' }],
});

export async function create(app: FastifyInstance, token: string, url: '/agents' | '/flows', body: unknown): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(app, { method: 'POST', url, token, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The newest audit entry with `action` (the audit log lists newest first). */
export async function lastAudit(app: FastifyInstance, token: string, action: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(app, { method: 'GET', url: `/audit-log?action=${action}&limit=1`, token });
  expect(res.statusCode, res.body).toBe(200);
  const [entry] = res.json().data;
  expect(entry, `no audit entry ${action}`).toBeDefined();
  return entry;
}
