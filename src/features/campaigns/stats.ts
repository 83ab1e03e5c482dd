/**
 * GET /campaigns/{id}/stats: counts per contact status and attempt outcome, and the answer rate; as
 * JSON, or with `Accept: text/event-stream` as a live stream (a `stats` event at once and then every
 * `intervalMs` while something changed, a comment line as heartbeat, an `end` event once the campaign
 * is completed or cancelled). Each poll is one short tenant transaction; the stream re-checks the
 * caller's credential every `recheckMs` and ends (`closed`) when it no longer allows reading.
 */
import { PassThrough } from 'node:stream';
import type { Deps } from '../../deps.js';
import { can } from '../../platform/auth/permissions.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { AppError } from '../../platform/errors.js';
import { authenticate } from '../auth/authenticate.js';
import * as repo from './repo.js';
import { ANSWERED, type Outcome } from './rules.js';
import { CONTACT_STATUSES, type CampaignStats } from './schemas.js';
import { loadCampaign } from './service.js';

export async function campaignStats(tx: Tx, campaignId: string): Promise<CampaignStats> {
  const c = await loadCampaign(tx, campaignId);
  const counts = await repo.statsCounts(tx, campaignId);
  const contacts = Object.fromEntries(CONTACT_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  let total = 0;
  for (const r of counts.contacts) {
    contacts[r.status] = r.n;
    total += r.n;
  }
  const outcomes: Record<string, number> = {};
  let attempts = 0;
  let inProgress = 0;
  let ended = 0;
  let answered = 0;
  for (const r of counts.outcomes) {
    attempts += r.n;
    if (r.outcome === null) {
      inProgress += r.n;
      continue;
    }
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + r.n;
    ended += r.n;
    if (ANSWERED.includes(r.outcome as Outcome)) answered += r.n;
  }
  return {
    campaign_id: c.id,
    status: c.status,
    contacts: { total, ...contacts },
    outcomes,
    attempts: { total: attempts, in_progress: inProgress },
    answer_rate: ended === 0 ? null : Math.round((answered / ended) * 10_000) / 10_000,
    at: new Date().toISOString(),
  };
}

export interface StatsStreamOptions {
  intervalMs: number;
  recheckMs: number;
  maxPerOrg: number;
}
export const STATS_STREAM_DEFAULTS: StatsStreamOptions = { intervalMs: 1000, recheckMs: 15_000, maxPerOrg: 50 };

/** Open streams per Deps (one server), so shutdown can end them and each org's count is capped. */
const open = new WeakMap<Deps, Map<PassThrough, string>>();

/** Ends every open stats stream (server shutdown: an open stream would hold the close). */
export function closeStatsStreams(deps: Deps): void {
  for (const s of open.get(deps)?.keys() ?? []) {
    s.write(`event: closed\ndata: ${JSON.stringify({ reason: 'shutdown' })}\n\n`);
    s.end();
  }
}

async function stillAllowed(deps: Deps, principal: Principal, authorization: string | undefined): Promise<boolean> {
  try {
    const now = await authenticate(deps, authorization);
    return now.orgId === principal.orgId && now.actor.id === principal.actor.id && can(now.role, 'config:read');
  } catch {
    return false;
  }
}

/** 404 for a campaign not in the org before any byte is streamed. */
export async function openStatsStream(deps: Deps, principal: Principal, authorization: string | undefined, campaignId: string, opts: StatsStreamOptions = STATS_STREAM_DEFAULTS): Promise<PassThrough> {
  const scope = scopeOf(principal);
  const first = await withOrg(deps.db, scope, (tx) => campaignStats(tx, campaignId));
  let streams = open.get(deps);
  if (!streams) open.set(deps, (streams = new Map()));
  if ([...streams.values()].filter((o) => o === principal.orgId).length >= opts.maxPerOrg) {
    throw new AppError('rate_limited', `At most ${opts.maxPerOrg} stats streams may be open per organization`, { headers: { 'retry-after': '5' } });
  }
  const stream = new PassThrough();
  streams.set(stream, principal.orgId);
  const write = (chunk: string) => {
    if (!stream.writableEnded && !stream.destroyed) stream.write(chunk);
  };
  const finish = (event: string, data: unknown) => {
    write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    stream.end();
  };
  const done = (s: CampaignStats) => s.status === 'completed' || s.status === 'cancelled';
  const key = (s: CampaignStats) => JSON.stringify({ ...s, at: '' });
  let last = key(first);
  let lastCheck = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        if (Date.now() - lastCheck >= opts.recheckMs) {
          lastCheck = Date.now();
          if (!(await stillAllowed(deps, principal, authorization))) return finish('closed', { reason: 'credential_invalid' });
        }
        const s = await withOrg(deps.db, scope, (tx) => campaignStats(tx, campaignId));
        if (key(s) !== last) {
          last = key(s);
          write(`event: stats\ndata: ${JSON.stringify(s)}\n\n`);
        } else write(': heartbeat\n\n');
        if (done(s)) finish('end', { status: s.status });
      } catch (err) {
        // The campaign was deleted (404) or the database went away: the stream ends, saying so.
        finish('closed', { reason: err instanceof AppError && err.code === 'not_found' ? 'not_found' : 'error' });
      } finally {
        busy = false;
      }
    })();
  }, opts.intervalMs);
  const cleanup = () => {
    clearInterval(timer);
    streams.delete(stream);
  };
  stream.once('close', cleanup);
  stream.once('finish', cleanup);
  write(`retry: 5000\nevent: stats\ndata: ${JSON.stringify(first)}\n\n`);
  if (done(first)) finish('end', { status: first.status });
  return stream;
}

export const wantsEventStream = (accept: string | undefined): boolean => /\btext\/event-stream\b/.test(accept ?? '');
