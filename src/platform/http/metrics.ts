import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics at GET /metrics, labelled by operation name and status only: never by org, user
 * or id (no tenant can be inferred from them, and label cardinality stays bounded).
 */
export function installMetrics(app: FastifyInstance): Registry {
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
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}
