import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errors } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time: both sides are hashed to 32 bytes first, so neither length nor content leaks. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token));
}

/**
 * Prometheus metrics at GET /metrics, labelled by operation name and status only: never by org, user
 * or id (no tenant can be inferred from them, and label cardinality stays bounded).
 *
 * The endpoint needs `Authorization: Bearer <CONVERSE_METRICS_TOKEN>` (401 otherwise). Without a
 * configured token it is not served at all: the same 404 as any unknown path.
 */
export function installMetrics(app: FastifyInstance, token: string | undefined): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'converse_http_requests_total', help: 'HTTP requests', labelNames: ['operation', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'converse_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const operation = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? (request.routeOptions.url ? 'other' : 'unmatched');
    requests.inc({ operation, status: String(reply.statusCode) });
    duration.observe({ operation }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token === undefined) throw errors.notFound('route');
    if (!bearerMatches(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw errors.unauthorized();
    }
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}
