import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { Principal } from '../auth/principal.js';
import { can, type Permission } from '../auth/permissions.js';
import { withOrg, type OrgScope } from '../db/with-org.js';
import type { Tx } from '../db/types.js';
import { errors } from '../errors.js';
import { checkUrlValues } from './body.js';
import { toStorableText } from './json-limits.js';

import type { RequestMeta } from '../request-meta.js';


export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  deps: Deps;
  meta: RequestMeta;
  request: FastifyRequest;
  reply: FastifyReply;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

interface BaseRoute<PS, QS, BS> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Stable name used in logs, metrics and the audit trail, e.g. `agents.create`. */
  operation: string;
  summary?: string;
  tags?: string[];
  params?: PS;
  query?: QS;
  body?: BS;
  response?: Record<number, z.ZodType>;
  /** Success status (200 unless given). 204 sends no body. */
  status?: number;
  bodyLimit?: number;
}

type AuthedContext<PS, QS, BS> = RouteContext<Infer<PS>, Infer<QS>, Infer<BS>> & { principal: Principal };

export type AuthedRoute<PS, QS, BS> = BaseRoute<PS, QS, BS> & { permission: Permission } & (
  | { handler: (ctx: AuthedContext<PS, QS, BS>) => Promise<unknown>; txHandler?: never }
  | {
      /**
       * For handlers that only use the database: they run inside ONE tenant transaction that first
       * re-reads the credential's role and checks the permission, so the request opens one transaction
       * instead of two. Everything withOrg forbids applies (no network or vault call inside).
       */
      txHandler: (ctx: AuthedContext<PS, QS, BS> & { tx: Tx }) => Promise<unknown>;
      handler?: never;
    }
);

export interface PublicRoute<PS, QS, BS> extends BaseRoute<PS, QS, BS> {
  permission: 'public';
  /** Per-IP limit class for unauthenticated endpoints (login, signup…). */
  rateLimit?: 'auth';
  /**
   * Login only: the body may name one of the caller's own organizations (`organization_id`), which the
   * service checks against the memberships of the authenticated person. Everywhere else it is a 400.
   */
  allowOrgSelector?: boolean;
  handler: (ctx: RouteContext<Infer<PS>, Infer<QS>, Infer<BS>>) => Promise<unknown>;
}

export type RouteDef = AuthedRoute<any, any, any> | PublicRoute<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const route = <PS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined, BS extends z.ZodType | undefined = undefined>(
  def: AuthedRoute<PS, QS, BS>,
): RouteDef => def;

export const publicRoute = <PS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined, BS extends z.ZodType | undefined = undefined>(
  def: PublicRoute<PS, QS, BS>,
): RouteDef => def;

/** Credential → principal (features/auth/authenticate.ts); the platform only calls it. */
export interface Authenticator<C = unknown> {
  /** Verifies the credential itself, without a tenant transaction; the org scope comes only from it. */
  identify(deps: Deps, authorization: string | undefined): Promise<{ scope: OrgScope; credential: C }>;
  /** Re-reads the principal inside the caller's tenant transaction; throws 401 when revoked or removed. */
  principalIn(tx: Tx, credential: C): Promise<Principal>;
  /** Both, in a transaction of its own. */
  authenticate(deps: Deps, authorization: string | undefined): Promise<Principal>;
}

/**
 * Registers data-described routes: schema validation, credential → principal (re-read from the
 * database), role check, per-org rate limit, then the handler. Handlers return the body.
 */
export function registerRoutes(app: FastifyInstance, deps: Deps, auth: Authenticator<any>, routes: RouteDef[], prefix = '/api/v1'): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const def of routes) {
    typed.route({
      method: def.method,
      url: prefix + def.url,
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      schema: {
        operationId: def.operation,
        ...(def.summary ? { summary: def.summary } : {}),
        tags: def.tags ?? [def.operation.split('.')[0]!],
        ...(def.params ? { params: def.params } : {}),
        ...(def.query ? { querystring: def.query } : {}),
        ...(def.body ? { body: def.body } : {}),
        ...(def.response ? { response: def.response } : {}),
        ...(def.permission === 'public' ? {} : { security: [{ bearer: [] }] }),
      },
      // Credentials and rate limits are checked before the body is parsed or validated: an
      // unauthenticated caller learns nothing about a route's schema, and floods cost no parsing.
      onRequest: async (request) => {
        request.log = request.log.child({ op: def.operation });
        if (def.permission === 'public') {
          if (def.rateLimit === 'auth') limit(deps, `ip-auth:${request.ip}`, deps.config.rateLimit.authPerIpPerMinute);
          return;
        }
        if (def.txHandler) {
          // The role is re-read and checked in the handler's own transaction (below).
          const identified = await auth.identify(deps, request.headers.authorization);
          limit(deps, `org:${identified.scope.orgId}`, deps.config.rateLimit.perOrgPerMinute);
          identities.set(request, identified);
          return;
        }
        const principal = await auth.authenticate(deps, request.headers.authorization);
        limit(deps, `org:${principal.orgId}`, deps.config.rateLimit.perOrgPerMinute);
        if (!can(principal.role, def.permission)) throw errors.forbidden();
        request.log = request.log.child({ org: principal.orgId, actor: principal.actor.id });
        principals.set(request, principal);
      },
      // NUL, unpaired surrogates and over-deep values in the query or path → 400 (bodies: body.ts).
      preValidation: async (request) => checkUrlValues(request),
      config: { allowOrgSelector: def.permission === 'public' && def.allowOrgSelector === true },
      handler: async (request, reply) => {
        const meta: RequestMeta = {
          requestId: request.id,
          ip: request.ip,
          userAgent: storableHeader(request.headers['user-agent']),
          operation: def.operation,
        };
        const base = { params: request.params, query: request.query, body: request.body, deps, meta, request, reply };
        let result: unknown;
        if (def.permission !== 'public' && def.txHandler) {
          const identified = identities.get(request);
          if (!identified) throw errors.unauthorized();
          const { txHandler, permission } = def;
          const outcome = await withOrg(deps.db, identified.scope, async (tx) => {
            const principal = await auth.principalIn(tx, identified.credential);
            // Committed, not rolled back: an API key's use is recorded even when its role falls short,
            // as on the two-step path.
            if (!can(principal.role, permission)) return forbidden;
            request.log = request.log.child({ org: principal.orgId, actor: principal.actor.id });
            return { value: await txHandler({ ...base, principal, tx } as never) };
          });
          if (outcome === forbidden) throw errors.forbidden();
          result = outcome.value;
        } else {
          const principal = principals.get(request);
          if (def.permission !== 'public' && !principal) throw errors.unauthorized();
          result = await def.handler!((principal ? { ...base, principal } : base) as never);
        }
        const status = def.status ?? 200;
        if (status === 204) return reply.code(204).send();
        return reply.code(status).send(result);
      },
    });
  }
}

const forbidden = Symbol('forbidden');

// The principal established in onRequest, handed to the handler without widening FastifyRequest's type.
const principals = new WeakMap<FastifyRequest, Principal>();
// The verified credential of a txHandler route, re-checked inside the handler's transaction.
const identities = new WeakMap<FastifyRequest, { scope: OrgScope; credential: unknown }>();

function limit(deps: Deps, key: string, perMinute: number): void {
  const wait = deps.rateLimiter.hit(key, perMinute);
  if (wait > 0) throw errors.rateLimited(wait);
}

/** Headers that end up stored (the audit trail's user agent): control characters dropped, length capped. */
function storableHeader(value: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  return value === undefined ? undefined : toStorableText(value).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 512);
}
