import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWebSessionTokens, SESSION_TOKEN_TTL_SECONDS } from '../../src/platform/auth/session-tokens.js';
import { resumeToken, verifyResumeToken, verifySessionToken } from '../../src/features/channels/session-token.js';

const claims = () => ({ org_id: randomUUID(), channel_id: randomUUID(), target: { kind: 'agent' as const, id: randomUUID() }, origin: 'https://shop.example' });

describe('web session tokens', () => {
  const tokens = createWebSessionTokens(randomBytes(32));

  it('round-trips the claims, bound to the origin, for at most the TTL', () => {
    const c = claims();
    const now = Date.now();
    const { token, expiresAt } = tokens.sign(c, { now });
    expect(expiresAt.getTime() - now).toBeLessThanOrEqual(SESSION_TOKEN_TTL_SECONDS * 1000);
    expect(expiresAt.getTime() - now).toBeGreaterThan((SESSION_TOKEN_TTL_SECONDS - 2) * 1000);
    const got = verifySessionToken(tokens, token, { now, origin: c.origin });
    expect(got).toMatchObject({ org_id: c.org_id, channel_id: c.channel_id, target: c.target, origin: c.origin });
    expect(got?.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses another origin, or none, for a token minted for a page', () => {
    const c = claims();
    const { token } = tokens.sign(c);
    expect(verifySessionToken(tokens, token, { origin: 'https://evil.example' })).toBeNull();
    expect(verifySessionToken(tokens, token, { origin: undefined })).toBeNull();
  });

  it('accepts any origin for a token minted server-to-server (the socket checks allowed_origins)', () => {
    const { token } = tokens.sign({ ...claims(), origin: null });
    expect(verifySessionToken(tokens, token, { origin: 'https://anything.example' })).not.toBeNull();
  });

  it('expires', () => {
    const now = Date.now();
    const { token } = tokens.sign(claims(), { now });
    expect(verifySessionToken(tokens, token, { now: now + (SESSION_TOKEN_TTL_SECONDS + 1) * 1000, origin: 'https://shop.example' })).toBeNull();
  });

  it('refuses a token signed with another key, and any changed byte', () => {
    const c = claims();
    const { token } = tokens.sign(c);
    const other = createWebSessionTokens(randomBytes(32));
    expect(verifySessionToken(other, token, { origin: c.origin })).toBeNull();
    const [prefix, body, mac] = token.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    forged.org_id = randomUUID();
    expect(verifySessionToken(tokens, `${prefix}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`, { origin: c.origin })).toBeNull();
    const flipped = mac.slice(0, -2) + (mac.at(-2) === 'A' ? 'B' : 'A') + mac.at(-1);
    expect(verifySessionToken(tokens, `${prefix}.${body}.${flipped}`, { origin: c.origin })).toBeNull();
  });

  it('refuses garbage without throwing', () => {
    for (const bad of [undefined, 42, '', 'cvs1', 'cvs1..', 'a.b.c', 'cvs1.e30.x', 'x'.repeat(5000)]) {
      expect(verifySessionToken(tokens, bad)).toBeNull();
    }
  });

  it('refuses a correctly signed token whose expiry is beyond the maximum TTL', () => {
    const now = Date.now();
    const { token } = tokens.sign({ ...claims(), origin: null }, { now: now + 3_600_000 });
    expect(verifySessionToken(tokens, token, { now })).toBeNull();
  });
});

describe('widget resume tokens', () => {
  const tokens = createWebSessionTokens(randomBytes(32));
  const b = { org_id: randomUUID(), channel_id: randomUUID(), session_id: randomUUID() };

  it('resume exactly the session, channel and org they were made for, with this key only', () => {
    const t = resumeToken(tokens, b);
    expect(verifyResumeToken(tokens, b, t)).toBe(true);
    expect(verifyResumeToken(tokens, { ...b, session_id: randomUUID() }, t)).toBe(false);
    expect(verifyResumeToken(tokens, { ...b, channel_id: randomUUID() }, t)).toBe(false);
    expect(verifyResumeToken(tokens, { ...b, org_id: randomUUID() }, t)).toBe(false);
    expect(verifyResumeToken(createWebSessionTokens(randomBytes(32)), b, t)).toBe(false);
    for (const bad of [undefined, 42, '', t.slice(1), `${t}x`, 'x'.repeat(5000)]) expect(verifyResumeToken(tokens, b, bad)).toBe(false);
  });
});
