/**
 * The campaign dialing engine. Runs in `converse worker` and in-process in `converse serve` (embedded
 * mode); any number of engines can share a database.
 *
 * Each tick: the cross-org door names the orgs with campaign work (ids only); for each, ONE tenant
 * transaction reconciles attempts (outcomes from call rows, stuck ones failed, retries scheduled,
 * finished campaigns completed) and claims due contacts (FOR UPDATE SKIP LOCKED, per-campaign slots
 * counted under the campaign row's lock: max_concurrency holds across engines), at most as many as this
 * engine has free dial slots. The claims of an org are then dialed as one batch:
 *
 *   1. one org transaction: every claim verified on its own (ownership, running, claim, do-not-call,
 *      window; verifyDials) → the call rows of each campaign's verified claims (prepareOutboundCalls:
 *      one context, one insert) → their attempt rows with idempotency keys → commit;
 *   2. no transaction: each campaign's channel credential decrypted once (openOutboundLine), then one
 *      provider request per attempt, all at once (the batch never exceeds the free slots);
 *   3. org transactions as answers arrive (whatever came in while the previous one was writing): the
 *      calls' provider ids and the attempts marked placed, or the refused calls ended 'failed'.
 *
 * A batch costs a fixed handful of statements, not a few per contact. Verification stays per claim: a
 * claim naming another org's campaign or contact is refused alone (with its security event), the rest
 * of the batch is dialed.
 *
 * Never twice: a contact with a committed attempt is never claimed again until that attempt has an
 * outcome, and an attempt is never placed a second time. A process killed anywhere leaves at worst
 * attempts `dialing` (failed after `dialingTimeoutSeconds`, then retried as NEW attempts if their
 * outcome allows) or claims without attempt (given back after `claimLeaseSeconds`).
 *
 * Start-up: a campaign started or resumed wakes the engines at once (in-process, and through the
 * PostgreSQL notification bus in other processes; ../../features/campaigns/wake.ts), so the first dial
 * does not wait for a poll; the poll remains for work that comes due by the clock (retries, windows).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg } from '../../platform/db/with-org.js';
import { campaignWorkOrgs, claimDueWork, onCampaignWork, reconcileAttempts, type ClaimedContact } from '../../features/campaigns/public.js';
import { dialBatch, type DialDecision } from './dial-batch.js';

export type { DialDecision } from './dial-batch.js';

export interface CampaignEngineOptions {
  /** Identifies this engine in claims (default host:pid:random). */
  id?: string;
  /** Pause between ticks when the last one found nothing to do (default 250 ms). */
  pollIntervalMs?: number;
  /** The engine's clock: calling windows, due times, retry delays, timeouts (tests move it). */
  now?: () => Date;
  /**
   * Dial slots of this engine (default 32): contacts claimed and not yet answered by the provider, so
   * also the most provider requests in flight at once. A tick claims no more than the free slots, so
   * every attempt it commits is requested right away (a pause is never outrun by a queue of them).
   */
  maxDialsInFlight?: number;
  claimLeaseSeconds?: number;
  dialingTimeoutSeconds?: number;
  placedTimeoutSeconds?: number;
  /** Orgs visited per tick (default 1000). */
  maxOrgsPerTick?: number;
  /** Only these orgs' work (tests and benchmarks that share one database with other runs). */
  onlyOrgs?: ReadonlySet<string>;
}

export interface CampaignEngine {
  readonly id: string;
  /** One pass over every org with work; resolves when claims are made (dials continue in the background). */
  tick(): Promise<{ orgs: number; claimed: number; settled: number; contended: boolean }>;
  /** Verifies and dials claimed contacts of `orgId` as one batch (what each tick runs per org). Exposed for tests of forged work. */
  dialAll(orgId: string, work: readonly ClaimedContact[]): Promise<DialDecision[]>;
  /** dialAll for one claim. */
  dial(orgId: string, work: ClaimedContact): Promise<DialDecision>;
  /** Resolves when every dial started so far has finished. */
  idle(): Promise<void>;
  /** Every decision, for tests and benchmarks (off unless set). */
  onDecision?: ((d: DialDecision) => void) | undefined;
  start(): void;
  stop(): Promise<void>;
}

/** The wait after a tick that found a campaign being claimed by another worker. */
const CONTENDED_RETRY_MS = 20;

export function createCampaignEngine(deps: Deps, opts: CampaignEngineOptions = {}): CampaignEngine {
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  const pollMs = opts.pollIntervalMs ?? 250;
  const slots = opts.maxDialsInFlight ?? 32;
  const lease = opts.claimLeaseSeconds ?? 30;
  const reconcile = { dialingTimeoutSeconds: opts.dialingTimeoutSeconds ?? 120, placedTimeoutSeconds: opts.placedTimeoutSeconds ?? 4 * 3600, limit: 500 };
  const inFlight = new Set<Promise<unknown>>();
  const log = deps.log.child({ component: 'campaign-engine', engine: id });
  /** Claims not yet answered by the provider (see maxDialsInFlight). */
  let busy = 0;
  /**
   * The last tick had no free slot: once half the slots are free again the loop wakes instead of
   * waiting for the poll (not at the first one: a tick per freed slot would dial in batches of one).
   */
  let starved = false;
  /** When the loop last reconciled each org (see tick). */
  const reconciledAt = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  /** A wake-up came while a tick ran: tick again right after it. */
  let again = false;
  let stopped = false;
  let failures = 0;
  let unsubscribe: (() => void) | undefined;

  async function dialAll(orgId: string, work: readonly ClaimedContact[]): Promise<DialDecision[]> {
    // Each claim holds a slot until dialBatch releases it; whatever it did not release is freed at the end.
    let held = work.length;
    const release = () => {
      if (held === 0) return;
      held--;
      busy--;
      if (starved && busy <= slots / 2) wake();
    };
    busy += held;
    try {
      const decisions = await dialBatch({ deps, worker: id, now, log, release }, orgId, work);
      for (const d of decisions) engine.onDecision?.(d);
      return decisions;
    } finally {
      while (held > 0) release();
    }
  }

  function track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) => log.error({ err }, 'campaign dial batch failed')).finally(() => inFlight.delete(t));
    inFlight.add(t);
  }

  /**
   * `throttled` (the loop's ticks): an org is reconciled at most once per poll interval, so ticks that
   * follow each other to claim (a wake, a full batch) do not each rescan its open attempts. A tick
   * called directly always reconciles.
   */
  async function tick(throttled = false) {
    starved = false;
    const all = await withoutOrg(deps.db, (q) => campaignWorkOrgs(q, opts.maxOrgsPerTick ?? 1000));
    const orgs = opts.onlyOrgs ? all.filter((o) => opts.onlyOrgs!.has(o)) : all;
    let claimed = 0;
    let settled = 0;
    let contended = false;
    for (const orgId of orgs) {
      if (stopped) break;
      const at = now();
      const capacity = slots - busy;
      if (capacity <= 0) starved = true;
      const due = !throttled || Date.now() - (reconciledAt.get(orgId) ?? 0) >= pollMs;
      if (due) reconciledAt.set(orgId, Date.now());
      const work = await withOrg(deps.db, { orgId }, async (tx) => {
        const r = due ? await reconcileAttempts(tx, { now: at, ...reconcile }) : { settled: 0 };
        const c = capacity > 0 ? await claimDueWork(tx, { worker: id, now: at, capacity, leaseSeconds: lease }) : { claims: [], contended: false };
        return { settled: r.settled, ...c };
      });
      contended ||= work.contended;
      settled += work.settled;
      claimed += work.claims.length;
      if (work.claims.length > 0) track(dialAll(orgId, work.claims));
    }
    const visited = new Set(orgs);
    for (const o of reconciledAt.keys()) if (!visited.has(o)) reconciledAt.delete(o);
    return { orgs: orgs.length, claimed, settled, contended };
  }

  const loop = async () => {
    if (stopped) return;
    again = false;
    try {
      const r = await tick(true);
      failures = 0;
      // Another worker held a campaign while this one had free slots: back soon, not after a full poll.
      if (!stopped) timer = setTimeout(run, again || r.claimed > 0 || r.settled > 0 ? 0 : r.contended ? Math.min(pollMs, CONTENDED_RETRY_MS) : pollMs);
    } catch (err) {
      failures++;
      if (failures === 1 || failures % 20 === 0) log.error({ err, failures }, 'campaign engine tick failed; backing off');
      if (!stopped) timer = setTimeout(run, Math.min(5_000, pollMs * 2 ** Math.min(failures, 5)));
    }
  };
  const run = () => {
    timer = undefined;
    current = loop().finally(() => (current = null));
  };
  /** Tick now (or right after the running tick) instead of at the next poll. Not while backing off from failures. */
  function wake(): void {
    if (stopped || !unsubscribe || failures > 0) return;
    if (current) again = true;
    else if (timer) {
      clearTimeout(timer);
      run();
    }
  }

  const engine: CampaignEngine = {
    id,
    tick: () => tick(),
    dialAll,
    dial: async (orgId, work) => (await dialAll(orgId, [work]))[0]!,
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    onDecision: undefined,
    start() {
      if (timer || current || stopped) return;
      unsubscribe = onCampaignWork(deps, wake);
      timer = setTimeout(run, 0);
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      await current;
      await engine.idle();
    },
  };
  return engine;
}
