import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { authFetch } from '../auth/session';
import { toApiError } from './errors';

/**
 * The typed API client: paths, parameters and bodies come from schema.d.ts (generated from the server's
 * OpenAPI document by `npm run console:api`), so an API change breaks the console's type check.
 * Every request carries the signed-in user's access token; a 401 refreshes it once and retries.
 */
export const api = createClient<paths>({ baseUrl: '', fetch: authFetch });

/** The data of a successful call, or an ApiError with the API's message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response.status, error);
  return data as T;
}

export type { paths };
/** The JSON body a GET path answers with. */
export type Get<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer R } } } } } ? R : never;
/** One row of a list path (`{data, next_cursor}`). */
export type Row<P extends keyof paths> = Get<P> extends { data: Array<infer R> } ? R : never;
/** The JSON body a POST path takes. */
export type PostBody<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never;
