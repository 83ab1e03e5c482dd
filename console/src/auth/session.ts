/**
 * The signed-in session, outside React so the API client can use it.
 *
 * Token storage (docs/security.md "Console"): the access token lives in memory only. The API returns
 * the refresh token in the JSON body (no cookie variant), so it is kept in sessionStorage: it survives
 * a reload of this tab, is gone when the tab closes, and is never sent anywhere but /auth/refresh and
 * /auth/logout. The strict CSP (scripts from our origin only) is what keeps page scripts away from it.
 */
import { can, type Permission, type Role } from '../../../src/platform/auth/permissions';
import { ApiError, toApiError } from '../api/errors';

export interface TokenPair {
  user: { id: string; email: string; name: string; created_at: string };
  organization: { id: string; name: string; created_at: string; updated_at: string };
  role: Role;
  access_token: string;
  refresh_token: string;
}
export type Identity = Pick<TokenPair, 'user' | 'organization' | 'role'>;
/** An organization this browser has signed in to (ids and names only, for switching). */
export interface KnownOrg { id: string; name: string; email: string }

const REFRESH_KEY = 'converse.refresh_token';
const ORGS_KEY = 'converse.organizations';

let accessToken: string | null = null;
let identity: Identity | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

export const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
export const currentIdentity = (): Identity | null => identity;
/** The in-memory access token, for the one place that hands it to a same-origin page (the widget preview). */
export const currentAccessToken = (): string | null => accessToken;
export const allowed = (permission: Permission): boolean => identity !== null && can(identity.role, permission);

export function knownOrgs(): KnownOrg[] {
  try {
    return JSON.parse(localStorage.getItem(ORGS_KEY) ?? '[]') as KnownOrg[];
  } catch {
    return [];
  }
}

export function startSession(pair: TokenPair): void {
  accessToken = pair.access_token;
  identity = { user: pair.user, organization: pair.organization, role: pair.role };
  sessionStorage.setItem(REFRESH_KEY, pair.refresh_token);
  const orgs = knownOrgs().filter((o) => !(o.id === pair.organization.id && o.email === pair.user.email));
  localStorage.setItem(ORGS_KEY, JSON.stringify([{ id: pair.organization.id, name: pair.organization.name, email: pair.user.email }, ...orgs].slice(0, 20)));
  notify();
}

function endSession(): void {
  accessToken = null;
  identity = null;
  sessionStorage.removeItem(REFRESH_KEY);
  notify();
}

/** POST to a public /auth endpoint; the token pair, or an ApiError with the API's message. */
export async function authPost(path: 'signup' | 'login' | 'refresh' | 'accept-invite', body: unknown): Promise<TokenPair> {
  const res = await fetch(`/api/v1/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw toApiError(res.status, json);
  return json as TokenPair;
}

let refreshing: Promise<boolean> | null = null;
/** Trades the stored refresh token for a new pair (rotation); one at a time however many requests got a 401. */
export function refreshSession(): Promise<boolean> {
  const token = sessionStorage.getItem(REFRESH_KEY);
  if (!token) return Promise.resolve(false);
  refreshing ??= authPost('refresh', { refresh_token: token })
    .then((pair) => (startSession(pair), true))
    // A refused token ends the session; a dropped connection or a rate limit keeps it for the next try.
    .catch((err: unknown) => (err instanceof ApiError && err.status === 401 && endSession(), false))
    .finally(() => (refreshing = null));
  return refreshing;
}

export async function logout(): Promise<void> {
  const token = sessionStorage.getItem(REFRESH_KEY);
  endSession();
  if (token) await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: token }) }).catch(() => undefined);
}

function withToken(request: Request): Request {
  if (accessToken) request.headers.set('authorization', `Bearer ${accessToken}`);
  return request;
}

/** fetch for the API client: adds the access token; on a 401 refreshes once and retries. */
export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const res = await fetch(withToken(input));
  if (res.status !== 401 || !(await refreshSession())) return res;
  return fetch(withToken(retry));
}

/** A raw fetch with the session's token (streams and uploads the typed client does not cover). */
export async function authedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return authFetch(new Request(url, init));
}
