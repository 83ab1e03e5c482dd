/**
 * `POST|GET /api/v1/webhooks/{provider}/{channel_id}` and, for Exotel,
 * `POST|GET /api/v1/webhooks/exotel/{channel_id}/{token}`: provider callbacks, no bearer token.
 *
 * Registered as an encapsulated plugin (not data routes) because signatures are over the RAW body:
 * inside this scope every content type is read as bytes and kept aside, and `request.body` stays
 * undefined, so no parser re-serialises JSON or decodes a form before the signature is checked. Fastify
 * has no form-urlencoded parser anyway; the telephony verifier parses forms with URLSearchParams.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';
import { WEBHOOK_PATH } from '../channels/present.js';
import { metaHandshake, receiveWebhook, type InboundCall, type InboundHooks, type InboundOutcome } from './service.js';

/** Provider callbacks are small (Meta batches included); anything bigger is refused with 413. */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const Params = z.object({ provider: z.string(), channel_id: z.string() });
const ExotelParams = z.object({ channel_id: z.string(), token: z.string() });

function toCall(request: FastifyRequest, p: { provider: string; channel_id: string; token?: string }): InboundCall {
  return {
    provider: p.provider,
    channelId: p.channel_id,
    pathToken: p.token,
    method: request.method === 'GET' ? 'GET' : 'POST',
    rawUrl: request.raw.url ?? request.url,
    headers: request.headers,
    rawBody: rawBodies.get(request) ?? Buffer.alloc(0),
  };
}

/**
 * The access log of these routes: secrets travel in their URLs (Exotel's path token; Meta's handshake
 * sends hub.verify_token in the query), so the query is dropped and the Exotel token masked.
 */
function safeRequestLog(request: FastifyRequest): Record<string, unknown> {
  const path = (request.url.split('?')[0] ?? '').replace(/(\/webhooks\/exotel\/[^/]+\/)[^/]+/, '$1[redacted]');
  return { method: request.method, url: path, remoteAddress: request.ip };
}

/** One refusal for every reason (logged, never answered), so channel ids cannot be probed. */
function answer(deps: Deps, request: FastifyRequest, reply: FastifyReply, call: InboundCall, outcome: InboundOutcome): FastifyReply {
  if (!outcome.ok) {
    request.log.info({ provider: call.provider, channel: call.channelId, reason: outcome.reason }, 'webhook refused');
    if (outcome.reason === 'public_url_not_configured') deps.log.warn('provider webhook refused: set CONVERSE_PUBLIC_URL to verify signatures');
    const err = errors.forbidden('The webhook could not be verified');
    return reply.code(err.status).send(err.toBody());
  }
  if ('challenge' in outcome) return reply.code(200).type('text/plain').send(outcome.challenge);
  // A voice webhook's call instructions (the media stream), from the app's hook.
  if ('answer' in outcome && outcome.answer) return reply.code(outcome.answer.status ?? 200).type(outcome.answer.contentType).send(outcome.answer.body);
  // Anything else a voice provider posts (status callbacks) gets an empty document.
  if (outcome.provider === 'twilio' || outcome.provider === 'plivo') return reply.code(200).type('application/xml').send(TWIML_EMPTY);
  return reply.code(200).type('text/plain').send('ok');
}

export function inboundWebhookPlugin(deps: Deps, hooks: InboundHooks = {}) {
  return async function webhooks(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, (request, body, done) => {
      rawBodies.set(request, body as Buffer);
      done(null, undefined);
    });

    const common = { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES, logSerializers: { req: safeRequestLog } } as const;
    const schema = { tags: ['webhooks'], params: Params, summary: 'Provider callback (signature-verified; no bearer token)' };
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const call = toCall(request, request.params as z.infer<typeof Params>);
      const query = new URL(call.rawUrl, 'http://x').searchParams;
      const outcome = request.method === 'GET' && call.provider === 'meta' && query.has('hub.mode')
        ? await metaHandshake(deps, call, query)
        : await receiveWebhook(deps, call, hooks);
      return answer(deps, request, reply, call, outcome);
    };
    app.post('/:provider/:channel_id', { ...common, schema: { ...schema, operationId: 'webhooks.receive' } }, handle);
    app.get('/:provider/:channel_id', { logSerializers: common.logSerializers, schema: { ...schema, operationId: 'webhooks.receive_get' } }, handle);

    const exotelSchema = { tags: ['webhooks'], params: ExotelParams, summary: 'Exotel callback (authenticated by the secret path token)' };
    const handleExotel = async (request: FastifyRequest, reply: FastifyReply) => {
      const p = request.params as z.infer<typeof ExotelParams>;
      const call = toCall(request, { provider: 'exotel', channel_id: p.channel_id, token: p.token });
      return answer(deps, request, reply, call, await receiveWebhook(deps, call, hooks));
    };
    app.post('/exotel/:channel_id/:token', { ...common, schema: { ...exotelSchema, operationId: 'webhooks.exotel' } }, handleExotel);
    app.get('/exotel/:channel_id/:token', { logSerializers: common.logSerializers, schema: { ...exotelSchema, operationId: 'webhooks.exotel_get' } }, handleExotel);
  };
}

export const INBOUND_WEBHOOK_PREFIX = WEBHOOK_PATH;
