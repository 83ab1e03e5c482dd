import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, errors } from '../errors.js';

/**
 * One mapping from anything thrown to the API error shape. AppErrors pass through; schema failures
 * become 400 with per-field details; Fastify's own limits map to their codes; everything else is a
 * logged 500 whose body says nothing about internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: appErr.code, status: appErr.status }, 'request rejected');
    if (appErr.headers) void reply.headers(appErr.headers);
    return reply.code(appErr.status).send(appErr.toBody());
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errors.notFound('route').toBody()));
}

/**
 * Fastify's `frameworkErrors` option: errors raised while routing, before any hook or handler (a path
 * that is not valid percent-encoded UTF-8, a path parameter over the router's length limit). Same
 * shape as everything else: a 400.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appErr = err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? errors.validation('The request path is invalid', [{ path: 'params', message: err.code === 'FST_ERR_BAD_URL' ? 'not valid percent-encoded UTF-8' : 'too long' }])
    : toAppError(err);
  request.log.info({ code: appErr.code, status: appErr.status }, 'request rejected');
  void reply.code(appErr.status).header('cache-control', 'no-store').send(appErr.toBody());
}

function toAppError(err: FastifyError): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    return errors.validation(
      'The request is invalid',
      err.validation.map((v) => ({
        path: [where, ...String(v.instancePath ?? '').split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      })),
    );
  }
  if (isResponseSerializationError(err)) return errors.internal();
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return errors.payloadTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return errors.unsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.validation('The request body is not valid JSON');
    default:
      break;
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    if (err.statusCode === 413) return errors.payloadTooLarge();
    if (err.statusCode === 415) return errors.unsupportedMediaType();
    if (err.statusCode === 429) return errors.rateLimited(60);
    return errors.validation('The request is invalid');
  }
  return errors.internal();
}
