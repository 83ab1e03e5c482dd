/**
 * `GET /api/v1/voice/stream/{provider}/{token}` (WebSocket): where a phone provider streams a call's
 * audio (the URL the answer webhook returned). No bearer credential: the signed token in the path is it
 * (Twilio's <Stream> does not allow a query string). The token is masked in logs. Registered inside
 * the widget's WebSocket scope (src/pipeline/ws/ws-routes.ts), which registers @fastify/websocket.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';
import { closeSpeech } from './engines.js';
import { liveCalls } from './live.js';
import { STREAM_PROTOCOLS } from './protocols.js';
import { MediaStreamConnection } from './stream-connection.js';

export const VOICE_STREAM_PATH = '/api/v1/voice/stream';

function safeRequestLog(request: FastifyRequest): Record<string, unknown> {
  const path = (request.url.split('?')[0] ?? '').replace(/(\/voice\/stream\/[^/]+\/)[^/]+/, '$1[redacted]');
  return { method: request.method, url: path, remoteAddress: request.ip };
}

export function voiceStreamPlugin(deps: Deps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('onClose', async () => {
      for (const call of liveCalls(deps)) {
        await call.callerHangup().catch(() => {});
        await call.stored(); // its recording's last chunk, before the database closes
      }
      await closeSpeech(deps);
    });
    app.route({
      method: 'GET',
      // The token is a wildcard: path parameters are capped at 100 characters.
      url: `${VOICE_STREAM_PATH}/:provider/*`,
      schema: { hide: true },
      logSerializers: { req: safeRequestLog },
      handler: async () => {
        throw errors.notFound('WebSocket endpoint (connect with Upgrade: websocket)');
      },
      wsHandler: (socket, request: FastifyRequest) => {
        const { provider, '*': token } = request.params as { provider?: string; '*'?: string };
        const protocol = provider === 'twilio' || provider === 'plivo' || provider === 'exotel' ? STREAM_PROTOCOLS[provider] : null;
        if (!protocol) return socket.close(1008, 'policy violation');
        new MediaStreamConnection(deps, socket, protocol, token);
      },
    });
  };
}
