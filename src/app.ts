import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { Deps } from './deps.js';
import { installBodyTimeout, installJsonBodyParser } from './platform/http/body.js';
import { frameworkErrors, installErrorHandler } from './platform/http/error-handler.js';
import { installMetrics } from './platform/http/metrics.js';
import { installConsole } from './platform/http/console.js';
import { errors } from './platform/errors.js';
import { registerRoutes, type RouteDef } from './platform/http/route.js';
import { dropOrgParams, rejectOrgInBody } from './platform/http/tenant-guard.js';
import { authenticator } from './features/auth/authenticate.js';
import { featureRoutes } from './features/index.js';
import { escalationHub } from './features/escalations/hub.js';
import { closeStatsStreams } from './features/campaigns/stats.js';
import { pipelineRoutes } from './pipeline/http/index.js';
import { sessionRuntime } from './pipeline/index.js';
import { afterMessagingCallback } from './pipeline/messaging/hook.js';
import { INBOUND_WEBHOOK_PREFIX, inboundWebhookPlugin } from './features/webhooks-inbound/routes.js';
import { widgetSocketPlugin } from './pipeline/ws/ws-routes.js';
import { voiceCallbackHook } from './pipeline/voice/hook.js';
import { voiceStreamPlugin } from './pipeline/voice/stream-routes.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface BuildAppOptions {
  /** Extra routes (tests only). */
  extraRoutes?: RouteDef[];
  /** Told about every route as it is registered (tests only: the isolation matrix's route coverage). */
  onRoute?: (route: RouteOptions) => void;
}

/** Builds the HTTP app. Never listens: entry points and tests decide how to serve it. */
export async function buildApp(deps: Deps, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: deps.config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors,
  });
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // UTF-8, nesting cap and NUL/surrogate check right after JSON parsing; slow or stalled bodies → 408.
  installJsonBodyParser(app);
  installBodyTimeout(app, deps.config.bodyTimeoutMs);

  await app.register(helmet, {
    // The API serves JSON; the docs page needs its own scripts and styles.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] } },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('cache-control', 'no-store');
    const wait = deps.rateLimiter.hit(`ip:${request.ip}`, deps.config.rateLimit.perIpPerMinute);
    if (wait > 0) throw errors.rateLimited(wait);
  });
  app.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config as { allowOrgSelector?: boolean } | undefined;
    if (request.body !== undefined && !config?.allowOrgSelector) rejectOrgInBody(request.body);
    // Query strings never choose the org: org-naming parameters are dropped, not honoured.
    if (request.query && typeof request.query === 'object') dropOrgParams(request.query as Record<string, unknown>);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Converse API', version: '1.0.0', description: 'Multi-tenant voice and text AI agents. See docs/api.md.' },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Access token (JWT) or org API key (cv_...)' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // Multipart uploads (knowledge documents): one file, a few small fields, the configured size cap (→ 413).
  // Routes read it with request.file()/parts(); every other route keeps its JSON schema (multipart → 400).
  await app.register(multipart, { limits: { fileSize: deps.config.uploadLimitBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 40 } });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  installMetrics(app, deps.config.metricsToken);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Provider callbacks: an encapsulated scope that keeps raw bodies for signature checks (no bearer token).
  // SMS/WhatsApp: inbound messages are claimed and queued, receipts applied, in the recording transaction.
  // Voice: a call's row and the answer that opens its media stream; status callbacks end or hang up calls.
  const afterVoiceCallback = voiceCallbackHook(deps);
  const afterRecord = async (...a: Parameters<typeof afterVoiceCallback>) => {
    await afterMessagingCallback(...a);
    return afterVoiceCallback(...a);
  };
  await app.register(inboundWebhookPlugin(deps, { afterRecord }), { prefix: INBOUND_WEBHOOK_PREFIX });
  // The web widget: its WebSocket endpoints (credential: the session-url token) and its script and demo page.
  // Phone media streams (credential: the signed token of the answer webhook's stream URL), in the same
  // WebSocket scope.
  await app.register(widgetSocketPlugin(deps, [voiceStreamPlugin(deps)]));
  registerRoutes(app, deps, authenticator, [...featureRoutes, ...pipelineRoutes, ...(opts.extraRoutes ?? [])]);
  // Open escalation streams would hold the server's close until their clients leave: end them first.
  app.addHook('preClose', async () => escalationHub(deps).closeAll('shutdown'));
  app.addHook('preClose', async () => closeStatsStreams(deps));
  // PostgreSQL mode: live events cross instances (platform/db/notify.ts). Listening from the start, so a
  // stream or socket opened right after boot misses nothing; a notify URL that cannot deliver (PgBouncer
  // in transaction mode) is reported here, and the instance then serves its own events only.
  if (deps.notify) {
    escalationHub(deps);
    sessionRuntime(deps);
    if (!(await deps.notify.ready())) {
      deps.log.error('live events do not cross instances: the notify connection did not receive its own test notification (CONVERSE_NOTIFY_DATABASE_URL must reach PostgreSQL directly, not PgBouncer in transaction mode)');
    }
  }
  // The web console at `/` (static files, a catch-all GET that explicit routes and /api/* always win over).
  installConsole(app, deps.config.consoleDir);
  return app;
}
