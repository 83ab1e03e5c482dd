import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/platform/auth/permissions.js';

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(app: FastifyInstance, c: Call): Promise<LightMyRequestResponse & { json<T = any>(): T }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return app.inject({
    method: c.method,
    url: c.url.startsWith('/api/') || c.url.startsWith('/health') || c.url.startsWith('/docs') ? c.url : `/api/v1${c.url}`,
    headers: { ...(c.token ? { authorization: `Bearer ${c.token}` } : {}), ...(c.headers ?? {}) },
    ...(c.body === undefined ? {} : { payload: c.body as object }),
  });
}

export const PASSWORD = 'correct-horse-battery';

export interface TestOrg {
  id: string;
  name: string;
  ownerEmail: string;
  ownerId: string;
  /** Access token per role (owner from signup, the others through invites). */
  tokens: Record<Role, string>;
  refresh: Record<Role, string>;
  userIds: Record<Role, string>;
  /** An admin-role API key. */
  apiKey: string;
  apiKeyId: string;
}

export const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

export async function signup(app: FastifyInstance, name = 'Org') {
  const email = uniqueEmail('owner');
  const res = await call(app, { method: 'POST', url: '/auth/signup', body: { email, password: PASSWORD, name: 'Owner', organization_name: name } });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  return { ...res.json(), email };
}

export async function inviteAndAccept(app: FastifyInstance, ownerToken: string, role: Role) {
  const email = uniqueEmail(role);
  const inv = await call(app, { method: 'POST', url: '/team/invites', token: ownerToken, body: { email, role } });
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.statusCode} ${inv.body}`);
  const acc = await call(app, { method: 'POST', url: '/auth/accept-invite', body: { token: inv.json().token, name: role, password: PASSWORD } });
  if (acc.statusCode !== 200) throw new Error(`accept failed: ${acc.statusCode} ${acc.body}`);
  return { ...acc.json(), email };
}

/** An organization with one user per role and an admin API key. */
export async function createOrg(app: FastifyInstance, name = 'Org'): Promise<TestOrg> {
  const owner = await signup(app, name);
  const tokens = { owner: owner.access_token } as Record<Role, string>;
  const refresh = { owner: owner.refresh_token } as Record<Role, string>;
  const userIds = { owner: owner.user.id } as Record<Role, string>;
  for (const role of ['admin', 'member', 'support_agent', 'viewer'] as const) {
    const m = await inviteAndAccept(app, owner.access_token, role);
    tokens[role] = m.access_token;
    refresh[role] = m.refresh_token;
    userIds[role] = m.user.id;
  }
  const key = await call(app, { method: 'POST', url: '/api-keys', token: owner.access_token, body: { name: 'ci', role: 'admin' } });
  if (key.statusCode !== 201) throw new Error(`api key failed: ${key.body}`);
  return { id: owner.organization.id, name, ownerEmail: owner.email, ownerId: owner.user.id, tokens, refresh, userIds, apiKey: key.json().key, apiKeyId: key.json().id };
}
