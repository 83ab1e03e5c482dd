/**
 * `GET /escalations/stream`: the org's escalation events as server-sent events, for the console.
 *
 * - The org is the subscriber's verified credential's; the hub delivers only that org's events.
 * - A comment line every `heartbeatMs` keeps proxies from closing an idle connection, and at each
 *   heartbeat the credential is checked again (signature, expiry, membership, role): an access token
 *   that expired, a member removed or demoted, a revoked key → a `closed` event and the end of the stream.
 * - At most `maxPerOrg` open streams per organization (429 beyond).
 * - Server shutdown ends every stream with a `closed` event (reason `shutdown`).
 */
import { PassThrough } from 'node:stream';
import type { Deps } from '../../deps.js';
import { can } from '../../platform/auth/permissions.js';
import type { Principal } from '../../platform/auth/principal.js';
import { AppError } from '../../platform/errors.js';
import { authenticate } from '../auth/authenticate.js';
import { escalationHub, type EscalationEvent } from './hub.js';

export interface StreamOptions {
  heartbeatMs: number;
  maxPerOrg: number;
}

export const STREAM_DEFAULTS: StreamOptions = { heartbeatMs: 15_000, maxPerOrg: 20 };

/** Still allowed to watch this org's queue with this credential? */
async function stillAllowed(deps: Deps, principal: Principal, authorization: string | undefined): Promise<boolean> {
  try {
    const now = await authenticate(deps, authorization);
    return now.orgId === principal.orgId && now.actor.id === principal.actor.id && can(now.role, 'escalations:handle');
  } catch {
    return false;
  }
}

export function openEscalationStream(deps: Deps, principal: Principal, authorization: string | undefined, opts: StreamOptions = STREAM_DEFAULTS): PassThrough {
  const stream = new PassThrough();
  const write = (chunk: string) => {
    if (!stream.writableEnded && !stream.destroyed) stream.write(chunk);
  };
  const end = (reason: string) => {
    write(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
    stream.end();
  };
  const unsubscribe = escalationHub(deps).subscribe(principal.orgId, {
    send: (e: EscalationEvent) => write(`event: ${e.type}\ndata: ${JSON.stringify({ escalation: e.escalation, ...(e.messages ? { messages: e.messages } : {}) })}\n\n`),
    close: end,
  }, opts.maxPerOrg);
  if (!unsubscribe) {
    throw new AppError('rate_limited', `At most ${opts.maxPerOrg} escalation streams may be open per organization`, { headers: { 'retry-after': String(Math.ceil(opts.heartbeatMs / 1000)) } });
  }
  let checking = false;
  const heartbeat = setInterval(() => {
    if (checking) return;
    checking = true;
    write(': heartbeat\n\n');
    void stillAllowed(deps, principal, authorization).then((ok) => {
      checking = false;
      if (!ok) end('credential_invalid');
    });
  }, opts.heartbeatMs);
  stream.once('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  stream.once('finish', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  write(`retry: 5000\nevent: ready\ndata: ${JSON.stringify({ heartbeat_seconds: opts.heartbeatMs / 1000 })}\n\n`);
  return stream;
}
