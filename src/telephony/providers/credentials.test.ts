import { describe, expect, it } from 'vitest';
import { exotelCreds, metaCreds, plivoCreds, twilioCreds } from '../../../test/fakes/provider-sim/fixtures.js';
import { ExotelCredentials, MetaCredentials, PlivoCredentials, TwilioCredentials, credentialHint, providerCredentialSchemas } from './credentials.js';

describe('credential schemas', () => {
  it('accept well-formed credentials', () => {
    expect(TwilioCredentials.parse(twilioCreds)).toEqual(twilioCreds);
    expect(PlivoCredentials.parse(plivoCreds)).toEqual(plivoCreds);
    expect(ExotelCredentials.parse(exotelCreds)).toEqual(exotelCreds);
    expect(MetaCredentials.parse(metaCreds)).toEqual(metaCreds);
    const { subdomain: _omit, ...noSubdomain } = exotelCreds;
    expect(ExotelCredentials.safeParse(noSubdomain).success).toBe(true);
  });

  it('reject unknown fields, missing fields and malformed ids', () => {
    expect(TwilioCredentials.safeParse({ ...twilioCreds, org_id: 'x' }).success).toBe(false);
    expect(TwilioCredentials.safeParse({ account_sid: twilioCreds.account_sid }).success).toBe(false);
    expect(TwilioCredentials.safeParse({ ...twilioCreds, account_sid: 'SK123' }).success).toBe(false);
    expect(PlivoCredentials.safeParse({ ...plivoCreds, auth_token: 'short' }).success).toBe(false);
    expect(MetaCredentials.safeParse({ ...metaCreds, phone_number_id: 'abc' }).success).toBe(false);
  });

  it('only allow Exotel API hosts as subdomain (credentials cannot be sent elsewhere)', () => {
    expect(ExotelCredentials.safeParse({ ...exotelCreds, subdomain: 'api.exotel.com' }).success).toBe(true);
    for (const bad of ['evil.com', 'api.exotel.com.evil.com', 'https://api.exotel.com', 'api.exotel.com/x', '127.0.0.1']) {
      expect(ExotelCredentials.safeParse({ ...exotelCreds, subdomain: bad }).success).toBe(false);
    }
  });

  it('validation errors do not quote the secret', () => {
    const r = PlivoCredentials.safeParse({ ...plivoCreds, auth_token: 'sec' });
    expect(JSON.stringify(r.error)).not.toContain('"sec"');
  });

  it('are indexed by provider', () => {
    expect(Object.keys(providerCredentialSchemas).sort()).toEqual(['exotel', 'meta', 'plivo', 'twilio']);
  });
});

describe('credentialHint', () => {
  it('shows the last 4 of the non-secret id only', () => {
    expect(credentialHint('twilio', twilioCreds)).toBe('...cdef');
    expect(credentialHint('plivo', plivoCreds)).toBe('...K9RW');
    expect(credentialHint('exotel', exotelCreds)).toBe('...sim1');
    expect(credentialHint('meta', metaCreds)).toBe('...2922');
  });

  it('never reveals any secret characters', () => {
    for (const [p, c] of [['twilio', twilioCreds], ['plivo', plivoCreds], ['exotel', exotelCreds], ['meta', metaCreds]] as const) {
      const hint = credentialHint(p, c) ?? '';
      for (const [k, v] of Object.entries(c)) if (/token|secret|key/.test(k)) expect(v.endsWith(hint.slice(3))).toBe(false);
    }
  });

  it('is undefined when the id is missing', () => {
    expect(credentialHint('meta', {})).toBeUndefined();
    expect(credentialHint('twilio', { account_sid: 'AC' })).toBeUndefined();
  });
});
