import { randomBytes } from 'node:crypto';
import { safeEqual } from './common.js';

/**
 * Exotel does not sign its callbacks. Each Exotel channel gets a random secret token that is part of the
 * callback URL path we give Exotel (e.g. /api/v1/webhooks/exotel/{channel_id}/{token}); a request is
 * accepted only when the presented token equals the channel's stored token (compared in constant time).
 * Store the token encrypted like other channel secrets; rotate it by issuing a new one.
 */
export function createExotelWebhookToken(): string {
  return randomBytes(32).toString('base64url');
}

export function verifyExotelPathToken(presented: string | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  return safeEqual(presented, expected);
}
