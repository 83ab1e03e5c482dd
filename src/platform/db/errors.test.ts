import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createDatabase } from './database.js';
import { createPostgresDriver } from './driver.js';
import { DbError, isConnectionError, translateDbError } from './errors.js';
import { withoutOrg } from './with-org.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('translateDbError: the database being unreachable is a 503, a bad statement is not', () => {
  it.each([
    ['ECONNREFUSED', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET', pgError('ECONNRESET', 'read ECONNRESET')],
    ['57P01 admin_shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash_shutdown', pgError('57P02')],
    ['57P03 cannot_connect_now', pgError('57P03', 'the database system is starting up')],
    ['08006 connection_failure', pgError('08006')],
    ['08P01 protocol_violation', pgError('08P01')],
    ['a connection ended by the server', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
  ])('%s → service_unavailable with Retry-After', (_what, err) => {
    const out = translateDbError(err);
    expect(out).toBeInstanceOf(AppError);
    expect((out as AppError).status).toBe(503);
    expect((out as AppError).toBody().error.code).toBe('service_unavailable');
    expect(Number((out as AppError).headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((out as AppError).message).not.toContain('127.0.0.1'); // no internals in the body
  });

  it.each([
    ['23505', 409],
    ['22P02', 404],
  ])('%s keeps its own mapping', (code, status) => {
    expect((translateDbError(pgError(code)) as AppError).status).toBe(status);
  });

  it('other SQLSTATEs stay database errors (a 500), not "unavailable"', () => {
    for (const code of ['42P01', '57014', '40001', '53100']) {
      expect(isConnectionError(pgError(code))).toBe(false);
      expect(translateDbError(pgError(code))).toBeInstanceOf(DbError);
    }
    expect(isConnectionError(new Error('division by zero'))).toBe(false);
  });

  it('a real refused connection through withoutOrg is a 503', async () => {
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const driver = createPostgresDriver(`postgres://converse_app@127.0.0.1:${port}/none`, { max: 1 });
    try {
      const err = await withoutOrg(createDatabase(driver), (q) => q('select 1')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('service_unavailable');
    } finally {
      await driver.close();
    }
  });
});
