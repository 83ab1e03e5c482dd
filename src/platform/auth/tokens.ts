import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
const ALG = 'EdDSA';

export interface AccessClaims {
  sub: string;
  org_id: string;
  sid: string;
  jti: string;
  exp: number;
}

export interface TokenService {
  readonly kid: string;
  issueAccessToken(input: { userId: string; orgId: string; sessionId: string }): Promise<{ token: string; expiresIn: number }>;
  /** Throws InvalidTokenError for anything but a well-formed, unexpired access token signed by us. */
  verifyAccessToken(token: string): Promise<AccessClaims>;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Access tokens: EdDSA (Ed25519) JWTs, algorithm pinned, `typ` at+jwt, ≤ 15 minutes. The signing key is
 * derived from the master key material (never stored in the database), so every instance sharing the
 * master key verifies every other instance's tokens.
 */
export function createTokenService(opts: { signingSeed: Buffer; issuer: string; audience: string; ttlSeconds: number }): TokenService {
  if (opts.signingSeed.length !== 32) throw new Error('signing seed must be 32 bytes');
  if (opts.ttlSeconds > 900) throw new Error('access tokens may live at most 15 minutes');
  const privateKey = ed25519FromSeed(opts.signingSeed);
  const publicKey = createPublicKey(privateKey);
  const kid = createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('base64url').slice(0, 16);

  return {
    kid,
    async issueAccessToken({ userId, orgId, sessionId }) {
      const token = await new SignJWT({ org_id: orgId, sid: sessionId })
        .setProtectedHeader({ alg: ALG, typ: ACCESS_TOKEN_TYPE, kid })
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${opts.ttlSeconds}s`)
        .sign(privateKey);
      return { token, expiresIn: opts.ttlSeconds };
    },
    async verifyAccessToken(token) {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
          algorithms: [ALG],
          issuer: opts.issuer,
          audience: opts.audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['exp', 'sub', 'jti', 'iat'],
          maxTokenAge: `${opts.ttlSeconds + 60}s`,
        });
        const header = protectedHeader as Record<string, unknown>;
        // Keys come from our configuration only: never from the token.
        if (header.kid !== kid || 'jwk' in header || 'jku' in header || 'x5u' in header || 'x5c' in header) {
          throw new InvalidTokenError('untrusted key reference');
        }
        const { sub, org_id, sid, jti, exp } = payload as Record<string, unknown>;
        if (![sub, org_id, sid, jti].every((v) => typeof v === 'string' && UUID.test(v)) || typeof exp !== 'number') {
          throw new InvalidTokenError('missing claims');
        }
        return { sub, org_id, sid, jti, exp } as AccessClaims;
      } catch (err) {
        if (err instanceof InvalidTokenError) throw err;
        if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError(err.code);
        throw new InvalidTokenError('malformed');
      }
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function ed25519FromSeed(seed: Buffer): KeyObject {
  const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' });
}

/** Opaque high-entropy secrets (refresh tokens, invite tokens, API keys) are stored as SHA-256 only. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
