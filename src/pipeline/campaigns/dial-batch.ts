/**
 * One batch of one org's claims, dialed: verified and committed in one org transaction, placed at the
 * provider outside any transaction, recorded in org transactions as the answers arrive (the three steps
 * of ./engine.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { callVariables, markAttemptsPlaced, pauseForConfiguration, recordAttempts, verifyDials, type ClaimedContact, type DialPlan } from '../../features/campaigns/public.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/log/logger.js';
import { openOutboundLine, prepareOutboundCalls, recordPlacements, type OutboundLine, type Placement, type PreparedOutboundBatch } from '../voice/outbound-batch.js';

export interface DialDecision {
  orgId: string;
  campaignId: string;
  contactId: string;
  /** dialed, or why not (campaign_not_running, dnc, outside_window, provider_refused, …). */
  result: string;
}

export interface DialEnv {
  deps: Deps;
  /** The engine's id: whose claims these are. */
  worker: string;
  now: () => Date;
  log: Logger;
  /** Called once per claim as soon as it no longer needs a dial slot (decided, or its request answered). */
  release: () => void;
}

/** A campaign's verified claims of the batch: their calls (one line) and attempts, committed. */
interface CampaignBatch {
  campaignId: string;
  batch: PreparedOutboundBatch;
  /** Per call of `batch.calls`, in order: the claim's index in the work and its attempt. */
  items: Array<{ index: number; attemptId: string }>;
}

/** Verifies, commits, places and records one batch of `orgId`'s claims. One decision per claim, in order. */
export async function dialBatch(env: DialEnv, orgId: string, work: readonly ClaimedContact[]): Promise<DialDecision[]> {
  const results: string[] = work.map(() => 'not_decided');
  const batches = await withOrg(env.deps.db, { orgId }, (tx) => verifyAndCommit(env, tx, orgId, work, results));
  // Committed: from here on these attempts are never placed again, whatever happens to this process.
  const dialing = new Set(batches.flatMap((b) => b.items.map((x) => x.index)));
  for (let i = 0; i < work.length; i++) if (!dialing.has(i)) env.release();
  await Promise.all(batches.map((b) => placeAndRecord(env, orgId, b, results)));
  return work.map((w, i) => ({ orgId, campaignId: w.campaignId, contactId: w.contactId, result: results[i]! }));
}

async function verifyAndCommit(env: DialEnv, tx: Tx, orgId: string, work: readonly ClaimedContact[], results: string[]): Promise<CampaignBatch[]> {
  const at = env.now();
  const verdicts = await verifyDials(tx, { worker: env.worker, now: at, work });
  const byCampaign = new Map<string, Array<{ index: number; plan: DialPlan }>>();
  verdicts.forEach((v, index) => {
    if (!v.ok) results[index] = v.reason;
    else byCampaign.set(v.plan.campaign.id, [...(byCampaign.get(v.plan.campaign.id) ?? []), { index, plan: v.plan }]);
  });
  const out: CampaignBatch[] = [];
  for (const [campaignId, claims] of byCampaign) {
    const { campaign, channelId } = claims[0]!.plan;
    let batch: PreparedOutboundBatch;
    try {
      batch = await prepareOutboundCalls(
        env.deps, tx, orgId,
        { ...(campaign.agent_id ? { agent_id: campaign.agent_id } : campaign.flow_id ? { flow_id: campaign.flow_id } : {}), channel_id: channelId, campaign_id: campaign.id },
        claims.map((c) => ({ to: c.plan.contact.phone, variables: callVariables(c.plan.contact) })),
      );
    } catch (err) {
      // The configuration cannot produce calls (agent or flow gone, channel without number): pause the
      // campaign rather than fail every contact. Anything else (database away) rolls the batch back and
      // leaves the claims to lapse.
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      await pauseForConfiguration(tx, campaignId, claims.map((c) => c.plan.contact.id), err.message);
      env.log.warn({ org: orgId, campaign: campaignId, code: err.code }, 'campaign paused: its calls cannot be prepared');
      for (const c of claims) results[c.index] = 'campaign_paused';
      continue;
    }
    const attempts = claims.map((c, k) => ({ id: randomUUID(), plan: c.plan, callId: batch.calls[k]!.callId }));
    await recordAttempts(tx, attempts, at);
    out.push({ campaignId, batch, items: claims.map((c, k) => ({ index: c.index, attemptId: attempts[k]!.id })) });
  }
  return out;
}

async function placeAndRecord(env: DialEnv, orgId: string, { campaignId, batch, items }: CampaignBatch, results: string[]): Promise<void> {
  const recorder = createRecorder(env, orgId);
  let line: OutboundLine | { failed: unknown };
  try {
    line = await openOutboundLine(env.deps, batch);
  } catch (err) {
    line = { failed: err };
  }
  await Promise.all(items.map(async (item, k) => {
    const call = batch.calls[k]!;
    let placement: Placement;
    try {
      if ('failed' in line) throw line.failed;
      placement = { call, ...(await line.place(call)) };
      results[item.index] = 'dialed';
    } catch (error) {
      // The refused call is ended 'failed' when recorded: the next reconcile gives the attempt its outcome.
      env.log.warn({ err: error, org: orgId, campaign: campaignId, attempt: item.attemptId }, 'campaign call not placed');
      placement = { call, error };
      results[item.index] = 'provider_refused';
    }
    env.release();
    recorder.add(placement, item.attemptId);
  }));
  await recorder.done();
}

/**
 * Writes the answers of a batch's requests: whatever arrived while the previous write ran goes in the
 * next one, so a batch takes one to a few transactions, and the first answers are not held back by
 * the slowest request. A write that fails leaves its attempts `dialing` (failed after the dialing
 * timeout, as after a crash): never placed twice.
 */
function createRecorder(env: DialEnv, orgId: string) {
  const pending: Array<{ placement: Placement; attemptId: string }> = [];
  let writing: Promise<void> | null = null;
  async function drain(): Promise<void> {
    for (;;) {
      const batch = pending.splice(0);
      if (batch.length === 0) {
        writing = null;
        return;
      }
      await withOrg(env.deps.db, { orgId }, async (tx) => {
        await recordPlacements(env.deps, tx, batch.map((b) => b.placement));
        await markAttemptsPlaced(tx, batch.flatMap((b) => ('providerCallId' in b.placement ? [{ attemptId: b.attemptId, providerCallId: b.placement.providerCallId }] : [])));
      }).catch((err: unknown) => env.log.error({ err, org: orgId, calls: batch.length }, 'campaign calls placed but not recorded: their attempts fail after the dialing timeout'));
    }
  }
  return {
    add(placement: Placement, attemptId: string) {
      pending.push({ placement, attemptId });
      writing ??= drain();
    },
    async done() {
      while (writing) await writing;
    },
  };
}
