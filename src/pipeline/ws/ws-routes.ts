/**
 * The web widget's WebSocket endpoints, `/ws/agent/{agent_id}` and `/ws/flow/{flow_id}` (API.md
 * "Sessions and calls"; docs/widget.md). An encapsulated plugin rather than data routes: no bearer
 * credential (the session-url token in the query is the credential, checked by the connection before
 * anything runs) and no JSON body. Refusals are WebSocket closes (1008), not HTTP statuses, so every
 * refusal looks the same to the client.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';
import { WidgetConnection } from './connection.js';
import { WidgetHub } from './hub.js';
import { registerWidgetAssets } from './widget-routes.js';

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/**
 * `alsoWith`: other WebSocket endpoints (the phone media streams), registered in this scope because
 * @fastify/websocket must be registered once per server (each registration routes every upgrade).
 */
export function widgetSocketPlugin(deps: Deps, alsoWith: Array<(app: FastifyInstance) => Promise<void>> = []) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    // The cap applies in the WebSocket parser: a bigger frame is never buffered, the connection closes (1009).
    await app.register(websocket, { options: { maxPayload: deps.config.widget.maxFrameBytes } });
    for (const routes of alsoWith) await app.register(routes);
    const hub = new WidgetHub(deps, deps.config.widget);
    app.addHook('onClose', async () => hub.shutdown());
    registerWidgetAssets(app, deps);

    for (const kind of ['agent', 'flow'] as const) {
      app.route({
        method: 'GET',
        url: `/ws/${kind}/:id`,
        schema: { hide: true },
        // A plain GET (no Upgrade) is not this endpoint.
        handler: async () => {
          throw errors.notFound('WebSocket endpoint (connect with Upgrade: websocket)');
        },
        wsHandler: (socket, request: FastifyRequest) => {
          const query = (request.query ?? {}) as Record<string, unknown>;
          new WidgetConnection(deps, hub, socket, {
            target: { kind, id: String((request.params as { id?: unknown }).id ?? '') },
            token: first(query.token),
            origin: request.headers.origin,
            host: request.headers.host,
            session: first(query.session),
            resume: first(query.resume),
          });
        },
      });
    }
  };
}
