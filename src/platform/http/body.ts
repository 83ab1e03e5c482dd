import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import { assertAcceptableJson } from './json-limits.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON body parser of the API: bytes that are not UTF-8 → 400 (instead of silently becoming
 * U+FFFD), then Fastify's own parser (prototype-poisoning checks), then, before anything walks the
 * value recursively, the nesting cap and the NUL / lone-surrogate check of json-limits.ts → 400 naming
 * the path. Query strings and path parameters get the same check in `checkUrlValues`.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(errors.validation('The request body is not valid UTF-8', [{ path: 'body', message: 'invalid UTF-8' }]), undefined);
      return;
    }
    parse(request, text, (err, value) => {
      if (err) return done(err, undefined);
      try {
        assertAcceptableJson(value, 'body');
      } catch (e) {
        return done(e as Error, undefined);
      }
      done(null, value);
    });
  });
}

/** Query strings and path parameters: the same NUL / surrogate / nesting check as bodies. */
export function checkUrlValues(request: FastifyRequest): void {
  assertAcceptableJson(request.params, 'params');
  assertAcceptableJson(request.query, 'query');
}

/**
 * A request body must arrive within `timeoutMs` of the request being routed: a client that sends
 * slowly or stalls gets a 408 and the connection is closed, instead of holding a socket and a buffer.
 * (Multipart uploads read the raw stream and are bounded by Node's own request timeout.)
 */
export function installBodyTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    const length = request.headers['content-length'];
    if (length === '0' || (length === undefined && request.headers['transfer-encoding'] === undefined)) return payload;
    // Multipart uploads are read from the raw request by the multipart plugin, in the handler.
    if (/^multipart\//i.test(request.headers['content-type'] ?? '')) return payload;
    const guarded = new PassThrough();
    const timer = setTimeout(() => {
      guarded.destroy(errors.requestTimeout());
      payload.unpipe(guarded);
      payload.resume(); // discard the rest; the reply closes the connection
    }, timeoutMs);
    const stop = () => clearTimeout(timer);
    guarded.on('end', stop).on('close', stop).on('error', stop);
    // A body nobody reads (the route answered first) must not outlive the request.
    reply.raw.on('close', stop);
    payload.on('error', (err) => guarded.destroy(err));
    payload.pipe(guarded);
    return guarded;
  });
}
