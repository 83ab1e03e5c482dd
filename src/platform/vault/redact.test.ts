import { describe, expect, it } from 'vitest';
import { isSecretFieldName, PINO_REDACT_PATHS, redact, REDACTED, secretHint } from './redact.js';

describe('secretHint', () => {
  it('shows only the last 4 characters, nothing for short values', () => {
    expect(secretHint('AC1234567890abcd')).toBe('…abcd');
    expect(secretHint('+15551234567')).toBe('…4567');
    expect(secretHint('short')).toBe('…');
    expect(secretHint('')).toBe('…');
    expect(secretHint('abcdefg😀😀😀😀')).toBe('…😀😀😀😀'); // code points, not UTF-16 units
  });
});

describe('redaction', () => {
  it('recognizes secret field names in any casing/separator style', () => {
    for (const n of ['Authorization', 'authorization', 'x-api-key', 'X-Api-Key', 'apiKey', 'api_key', 'password', 'db_password',
      'access_token', 'refreshToken', 'twilioAuthToken', 'client_secret', 'credentials', 'Cookie', 'set-cookie', 'params',
      'private_key', 'plaintext', 'webhookSignature']) {
      expect(isSecretFieldName(n), n).toBe(true);
    }
    for (const n of ['orgId', 'org_id', 'name', 'id', 'status', 'configured', 'hint', 'url', 'method']) {
      expect(isSecretFieldName(n), n).toBe(false);
    }
  });

  it('redacts nested values, handles cycles, and leaves non-secrets', () => {
    const input: Record<string, unknown> = {
      orgId: 'o', req: { headers: { authorization: 'Bearer abc', 'x-request-id': 'r1' } },
      list: [{ apiKey: 'k1' }, { name: 'n' }], sql: { text: 'select 1', params: ['p@ss'] },
    };
    input.self = input;
    type Out = { orgId: string; req: { headers: unknown }; list: unknown; sql: unknown };
    const out = redact(input) as Out;
    expect(out.orgId).toBe('o');
    expect(out.req.headers).toEqual({ authorization: REDACTED, 'x-request-id': 'r1' });
    expect(out.list).toEqual([{ apiKey: REDACTED }, { name: 'n' }]);
    expect(out.sql).toEqual({ text: 'select 1', params: REDACTED });
    expect(JSON.stringify(out)).not.toMatch(/Bearer abc|k1|p@ss/);
    expect(input.req).toEqual({ headers: { authorization: 'Bearer abc', 'x-request-id': 'r1' } }); // input untouched
  });

  it('provides pino paths for the common shapes', () => {
    expect(PINO_REDACT_PATHS).toContain('req.headers.authorization');
    expect(PINO_REDACT_PATHS).toContain('*.password');
  });
});
