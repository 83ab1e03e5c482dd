/**
 * `GET /api/v1/voice/stream/{provider}/{token}` (WebSocket): where a phone provider streams a call's
 * audio (the URL the answer webhook returned). No bearer credential: the signed token in the path is it
 * (Twilio's <Stream> does not allow a query string). The token is masked in logs.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';
import { closeSpeech } from './engines.js';
import { liveCalls } from './live.js';
import { STREAM_PROTOCOLS } from './protocols.js';
import { MediaStreamConnection } from './stream-connection.js';

export const VOICE_STREAM_PATH = '/api/v1/voice/stream';
/** A provider's media frame is 20–100 ms of audio; nothing legitimate comes near this. */
const MAX_FRAME_BYTES = 64 * 1024;

function safeRequestLog(request: FastifyRequest): Record<string, unknown> {
  const path = (request.url.split('?')[0] ?? '').replace(/(\/voice\/stream\/[^/]+\/)[^/]+/, '$1[redacted]');
  return { method: request.method, url: path, remoteAddress: request.ip };
}

export function voiceStreamPlugin(deps: Deps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
    app.addHook('onClose', async () => {
      for (const call of liveCalls(deps)) await call.callerHangup().catch(() => {});
      await closeSpeech(deps);
    });
    app.route({
      method: 'GET',
      url: `${VOICE_STREAM_PATH}/:provider/:token`,
      schema: { hide: true },
      logSerializers: { req: safeRequestLog },
      handler: async () => {
        throw errors.notFound('WebSocket endpoint (connect with Upgrade: websocket)');
      },
      wsHandler: (socket, request: FastifyRequest) => {
        const { provider, token } = request.params as { provider?: string; token?: string };
        const protocol = provider === 'twilio' || provider === 'plivo' || provider === 'exotel' ? STREAM_PROTOCOLS[provider] : null;
        if (!protocol) return socket.close(1008, 'policy violation');
        new MediaStreamConnection(deps, socket, protocol, token);
      },
    });
  };
}
