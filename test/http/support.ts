import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** API.md "Conventions": the one error code each status carries. */
export const CODE_FOR_STATUS: Record<number, string> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'service_unavailable',
};

/** Asserts the API error shape `{error: {code, message, details?}}` and nothing else at the top level. */
export function expectError(res: LightMyRequestResponse, status: number): { code: string; message: string; details?: Array<Record<string, unknown>> } {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as { error: { code: string; message: string; details?: Array<Record<string, unknown>> } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(CODE_FOR_STATUS[status]);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  for (const k of Object.keys(body.error)) expect(['code', 'message', 'details']).toContain(k);
  if (body.error.details !== undefined) expect(Array.isArray(body.error.details)).toBe(true);
  return body.error;
}

/** A v4 UUID that no row anywhere has. */
export const missingId = (): string => randomUUID();

export const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Every UUID-looking string in a text (response bodies, logs). */
export const uuidsIn = (text: string): string[] => (text.match(UUID_RE) ?? []).map((s) => s.toLowerCase());
