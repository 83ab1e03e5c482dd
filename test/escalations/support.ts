import type { FastifyInstance } from 'fastify';
import { call, type TestOrg } from '../helpers/api.js';
import { createAgent, say, startSession } from '../sessions/support.js';

/** (The member runs the session, the support agent finds it in the queue.) An agent with the human_handoff tool, and one of its sessions handed off by the caller asking for a person. */
export async function handedOffSession(app: FastifyInstance, org: TestOrg, agentId?: string): Promise<{ agentId: string; sessionId: string; escalationId: string }> {
  const token = org.tokens.member;
  const agent = agentId ?? (await createAgent(app, org.tokens.admin, { tools_builtin: ['human_handoff', 'end_call'] })).id;
  const started = await startSession(app, token, { agent_id: agent });
  if (started.statusCode !== 201) throw new Error(`start: ${started.statusCode} ${started.body}`);
  const sessionId = started.json().id as string;
  const asked = await say(app, token, sessionId, 'I want to talk to a human');
  if (asked.json().status !== 'escalated') throw new Error(`not escalated: ${asked.body}`);
  const list = await call(app, { method: 'GET', url: `/escalations?call_id=${sessionId}`, token: org.tokens.support_agent });
  const escalationId = list.json().data[0]?.id as string | undefined;
  if (!escalationId) throw new Error(`no escalation: ${list.body}`);
  return { agentId: agent, sessionId, escalationId };
}

export const post = (app: FastifyInstance, token: string, url: string, body?: unknown) => call(app, { method: 'POST', url, token, ...(body === undefined ? {} : { body }) });
