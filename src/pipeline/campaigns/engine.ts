/**
 * The campaign dialing engine. Runs in `converse worker` and in-process in `converse serve` (embedded
 * mode); any number of engines can share a database.
 *
 * Each tick: the cross-org door names the orgs with campaign work (ids only); for each, ONE tenant
 * transaction reconciles attempts (outcomes from call rows, stuck ones failed, retries scheduled,
 * finished campaigns completed) and claims due contacts (FOR UPDATE SKIP LOCKED, per-campaign slots
 * counted under the campaign row's lock: max_concurrency holds across engines). Each claimed contact is
 * then dialed on its own:
 *
 *   1. one org transaction: verify (ownership, running, claim, do-not-call, window) → call row
 *      (prepareOutboundCall) → attempt row with its idempotency key → commit;
 *   2. no transaction: placeOutboundCall (credential decrypted for this request, provider request);
 *   3. one org transaction: attempt marked placed with the provider's call id.
 *
 * Never twice: a contact with a committed attempt is never claimed again until that attempt has an
 * outcome, and an attempt is never placed a second time. A process killed anywhere leaves at worst an
 * attempt `dialing` (failed after `dialingTimeoutSeconds`, then retried as a NEW attempt if its outcome
 * allows) or a claim without attempt (given back after `claimLeaseSeconds`).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg } from '../../platform/db/with-org.js';
import { AppError } from '../../platform/errors.js';
import {
  callVariables,
  campaignWorkOrgs,
  claimDueWork,
  markAttemptPlaced,
  pauseForConfiguration,
  reconcileAttempts,
  recordAttempt,
  verifyDial,
  type ClaimedContact,
} from '../../features/campaigns/public.js';
import { placeOutboundCall, prepareOutboundCall, type PreparedOutboundCall } from '../voice/outbound.js';

export interface CampaignEngineOptions {
  /** Identifies this engine in claims (default host:pid:random). */
  id?: string;
  /** Pause between ticks when the last one found nothing to do (default 250 ms). */
  pollIntervalMs?: number;
  /** The engine's clock: calling windows, due times, retry delays, timeouts (tests move it). */
  now?: () => Date;
  /** Dials in flight at once in this engine (default 50). */
  maxDialsInFlight?: number;
  claimLeaseSeconds?: number;
  dialingTimeoutSeconds?: number;
  placedTimeoutSeconds?: number;
  /** Orgs visited per tick (default 1000). */
  maxOrgsPerTick?: number;
  /** Only these orgs' work (tests and benchmarks that share one database with other runs). */
  onlyOrgs?: ReadonlySet<string>;
}

export interface DialDecision {
  orgId: string;
  campaignId: string;
  contactId: string;
  /** dialed, or why not (campaign_not_running, dnc, outside_window, …). */
  result: string;
}

export interface CampaignEngine {
  readonly id: string;
  /** One pass over every org with work; resolves when claims are made (dials continue in the background). */
  tick(): Promise<{ orgs: number; claimed: number; settled: number }>;
  /** Verifies and dials one claimed contact of `orgId` (what each claim runs). Exposed for tests of forged work. */
  dial(orgId: string, work: ClaimedContact): Promise<DialDecision>;
  /** Resolves when every dial started so far has finished. */
  idle(): Promise<void>;
  /** Every decision, for tests and benchmarks (off unless set). */
  onDecision?: ((d: DialDecision) => void) | undefined;
  start(): void;
  stop(): Promise<void>;
}

export function createCampaignEngine(deps: Deps, opts: CampaignEngineOptions = {}): CampaignEngine {
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  const pollMs = opts.pollIntervalMs ?? 250;
  const maxInFlight = opts.maxDialsInFlight ?? 50;
  const lease = opts.claimLeaseSeconds ?? 30;
  const reconcile = { dialingTimeoutSeconds: opts.dialingTimeoutSeconds ?? 120, placedTimeoutSeconds: opts.placedTimeoutSeconds ?? 4 * 3600, limit: 500 };
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  let stopped = false;
  let failures = 0;
  const log = deps.log.child({ component: 'campaign-engine', engine: id });

  const decide = (d: DialDecision): DialDecision => {
    engine.onDecision?.(d);
    return d;
  };

  async function dial(orgId: string, work: ClaimedContact): Promise<DialDecision> {
    const scope = { orgId };
    const base = { orgId, campaignId: work.campaignId, contactId: work.contactId };
    const at = now();
    let prepared: { call: PreparedOutboundCall; attemptId: string; key: string } | { refused: string };
    try {
      prepared = await withOrg(deps.db, scope, async (tx) => {
        const v = await verifyDial(tx, { worker: id, now: at, ...work });
        if (!v.ok) return { refused: v.reason };
        const { campaign, contact } = v.plan;
        const call = await prepareOutboundCall(deps, tx, orgId, {
          ...(campaign.agent_id ? { agent_id: campaign.agent_id } : campaign.flow_id ? { flow_id: campaign.flow_id } : {}),
          channel_id: v.plan.channelId,
          to: contact.phone,
          variables: callVariables(contact),
          campaign_id: campaign.id,
        });
        const attemptId = randomUUID();
        const key = await recordAttempt(tx, { id: attemptId, plan: v.plan, callId: call.callId, now: at });
        return { call, attemptId, key };
      });
    } catch (err) {
      // The configuration cannot produce a call (agent or flow gone, channel without number): pause the
      // campaign rather than fail every contact. Anything else (database away) leaves the claim to lapse.
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      await withOrg(deps.db, scope, (tx) => pauseForConfiguration(tx, work.campaignId, work.contactId, err.message));
      log.warn({ org: orgId, campaign: work.campaignId, code: err.code }, 'campaign paused: its calls cannot be prepared');
      return decide({ ...base, result: 'campaign_paused' });
    }
    if ('refused' in prepared) return decide({ ...base, result: prepared.refused });
    // Committed: from here on this attempt is never placed again, whatever happens to this process.
    try {
      const placed = await placeOutboundCall(deps, prepared.call, { idempotencyKey: prepared.key });
      await withOrg(deps.db, scope, (tx) => markAttemptPlaced(tx, prepared.attemptId, placed.providerCallId));
    } catch (err) {
      // A provider refusal ended the call row ('failed'): the next reconcile gives the attempt its outcome.
      // Anything else leaves the attempt `dialing` until its timeout.
      log.warn({ err, org: orgId, campaign: work.campaignId, attempt: prepared.attemptId }, 'campaign call not placed');
      return decide({ ...base, result: 'provider_refused' });
    }
    return decide({ ...base, result: 'dialed' });
  }

  function track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) => log.error({ err }, 'campaign dial failed')).finally(() => inFlight.delete(t));
    inFlight.add(t);
  }

  async function tick() {
    const all = await withoutOrg(deps.db, (q) => campaignWorkOrgs(q, opts.maxOrgsPerTick ?? 1000));
    const orgs = opts.onlyOrgs ? all.filter((o) => opts.onlyOrgs!.has(o)) : all;
    let claimed = 0;
    let settled = 0;
    for (const orgId of orgs) {
      if (stopped) break;
      const at = now();
      const capacity = maxInFlight - inFlight.size;
      const work = await withOrg(deps.db, { orgId }, async (tx) => {
        const r = await reconcileAttempts(tx, { now: at, ...reconcile });
        const claims = capacity > 0 ? await claimDueWork(tx, { worker: id, now: at, capacity, leaseSeconds: lease }) : [];
        return { settled: r.settled, claims };
      });
      settled += work.settled;
      claimed += work.claims.length;
      for (const w of work.claims) track(dial(orgId, w));
    }
    return { orgs: orgs.length, claimed, settled };
  }

  const loop = async () => {
    if (stopped) return;
    try {
      const r = await tick();
      failures = 0;
      if (!stopped) timer = setTimeout(run, r.claimed > 0 || r.settled > 0 ? 0 : pollMs);
    } catch (err) {
      failures++;
      if (failures === 1 || failures % 20 === 0) log.error({ err, failures }, 'campaign engine tick failed; backing off');
      if (!stopped) timer = setTimeout(run, Math.min(5_000, pollMs * 2 ** Math.min(failures, 5)));
    }
  };
  const run = () => {
    current = loop().finally(() => (current = null));
  };

  const engine: CampaignEngine = {
    id,
    tick,
    dial,
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    onDecision: undefined,
    start() {
      if (!timer && !stopped) timer = setTimeout(run, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
      await engine.idle();
    },
  };
  return engine;
}
