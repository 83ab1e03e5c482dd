/**
 * The dialing engine's steps that touch campaign data (the engine itself, which also places the calls,
 * is src/pipeline/campaigns/). Each runs inside ONE tenant transaction of the org the work belongs to;
 * none makes a network call. The engine's clock is passed in (`now`), so tests can move time.
 */
import type { Tx } from '../../platform/db/types.js';
import { systemMeta } from '../../platform/request-meta.js';
import { recordAudit } from '../audit/audit.js';
import { getChannel, type ChannelRow } from '../channels/public.js';
import { listedOnDnc, recordVoiceOptOut } from '../dnc/public.js';
import { emitEvent } from '../webhook-endpoints/events.js';
import * as repo from './repo.js';
import { isWithinWindow, nextWindowStart, outcomeOfCall, type Outcome } from './rules.js';

export interface ClaimedContact {
  campaignId: string;
  contactId: string;
}

/**
 * Takes due contacts of the org's running campaigns for `worker`, at most `capacity` in all and never
 * more per campaign than its free slots (max_concurrency minus contacts being dialed, counted under the
 * campaign row's lock). Claims of a worker that died before committing an attempt are given back first.
 * `contended`: a running campaign was skipped because another worker was claiming for it.
 */
export async function claimDueWork(tx: Tx, opts: { worker: string; now: Date; capacity: number; leaseSeconds: number }): Promise<{ claims: ClaimedContact[]; contended: boolean }> {
  await repo.releaseLapsedClaims(tx, opts.now);
  const out: ClaimedContact[] = [];
  const { campaigns, skipped } = await repo.lockRunningCampaigns(tx);
  for (const c of campaigns) {
    const room = Math.min(c.max_concurrency - c.dialing, opts.capacity - out.length);
    if (room <= 0) continue;
    for (const id of await repo.claimDueContacts(tx, c.id, opts.worker, room, opts.now, opts.leaseSeconds)) out.push({ campaignId: c.id, contactId: id });
    if (out.length >= opts.capacity) break;
  }
  return { claims: out, contended: skipped > 0 };
}

export interface ReconcileOptions {
  now: Date;
  /** An attempt still `dialing` (no provider answer recorded) after this long is failed. */
  dialingTimeoutSeconds: number;
  /** A placed call with no end after this long is failed (its status callbacks never came). */
  placedTimeoutSeconds: number;
  limit: number;
}

/**
 * Attempts whose call ended get their outcome (from the call row the voice side updates from the signed
 * provider status callbacks); stuck ones fail after their timeout. The contact is then due again after
 * the retry delay (an outcome in retry_on, attempts left) or final. An `opt_out` puts the number on the
 * do-not-call list. Then running campaigns with nothing left complete (campaign.completed).
 */
export async function reconcileAttempts(tx: Tx, opts: ReconcileOptions): Promise<{ settled: number; completed: string[] }> {
  const at = opts.now.getTime();
  const settledAttempts = await repo.lockSettledAttempts(tx, new Date(at - opts.dialingTimeoutSeconds * 1000), new Date(at - opts.placedTimeoutSeconds * 1000), opts.limit);
  const campaigns = new Map<string, repo.CampaignRow | null>();
  for (const a of settledAttempts) {
    const ended = a.call_status === 'ended';
    const outcome: Outcome = ended ? outcomeOfCall({ ended_reason: a.ended_reason, outcome: a.call_outcome }) : 'failed';
    const error = ended ? null : a.call_status === null ? 'the call record is gone' : a.status === 'dialing' ? 'no answer from the provider in time' : 'no call status arrived in time';
    await repo.endAttempt(tx, a.id, outcome, error);
    if (!campaigns.has(a.campaign_id)) campaigns.set(a.campaign_id, await repo.getCampaign(tx, a.campaign_id));
    const campaign = campaigns.get(a.campaign_id)!;
    const contact = await repo.getContact(tx, a.campaign_id, a.contact_id);
    if (!campaign || !contact) continue;
    if (outcome === 'opt_out') {
      await recordVoiceOptOut(tx, contact.phone);
      await repo.settleContact(tx, a.campaign_id, a.contact_id, a.id, { status: 'opted_out', outcome, retryAt: null });
      continue;
    }
    const retry = campaign.retry_on.includes(outcome) && contact.attempts < campaign.max_attempts;
    const finished = campaign.status === 'cancelled' || campaign.status === 'completed';
    await repo.settleContact(tx, a.campaign_id, a.contact_id, a.id, {
      status: retry ? (finished ? 'cancelled' : 'pending') : outcome === 'completed' ? 'completed' : 'failed',
      outcome,
      retryAt: retry ? new Date(at + campaign.retry_delay_seconds * 1000) : null,
    });
  }
  const completed = await repo.completeFinishedCampaigns(tx);
  for (const c of completed) await emitEvent(tx, { type: 'campaign.completed', data: { campaign_id: c.id, name: c.name } });
  return { settled: settledAttempts.length, completed: completed.map((c) => c.id) };
}

export interface DialPlan {
  campaign: repo.CampaignRow;
  contact: repo.ContactRow;
  channelId: string;
  attemptNo: number;
}

export type Verdict =
  | { ok: true; plan: DialPlan }
  | { ok: false; reason: string; security: boolean };

const SYSTEM = { type: 'system' as const, id: null };

/**
 * Right before the dials, in the org's transaction, for each claim of a batch: the campaign and the
 * contact are this org's (and the contact is that campaign's), the campaign runs, the contact is still
 * this worker's claim, its channel is this org's voice channel, the number is not on the do-not-call
 * list and the contact's calling window is open. Each claim gets its own verdict, exactly as if it were
 * verified alone: work naming anything outside the org is refused with a security event in the audit
 * log (one per claim) and the rest of the batch goes on; the benign cases (paused meanwhile,
 * do-not-call, window closed) hand the contact back. A handful of statements whatever the batch size:
 * the contacts (locked) and campaigns in one read each, each channel once, the do-not-call list once,
 * the hand-backs in one write.
 */
export async function verifyDials(tx: Tx, opts: { worker: string; now: Date; work: readonly ClaimedContact[] }): Promise<Verdict[]> {
  const contacts = new Map((await repo.lockClaimedContacts(tx, opts.work)).map((c) => [`${c.campaign_id}:${c.id}`, c]));
  const campaigns = new Map((await repo.getCampaigns(tx, [...new Set(opts.work.map((w) => w.campaignId))])).map((c) => [c.id, c]));
  const channels = new Map<string, ChannelRow | null>();
  for (const c of campaigns.values()) if (c.channel_id && !channels.has(c.channel_id)) channels.set(c.channel_id, await getChannel(tx, c.channel_id));
  const listed = await listedOnDnc(tx, [...new Set([...contacts.values()].map((c) => c.phone))]);
  const releases: repo.ContactRelease[] = [];
  const seen = new Set<string>();
  const verdicts: Verdict[] = [];
  for (const w of opts.work) {
    const key = `${w.campaignId}:${w.contactId}`;
    const refuse = async (reason: string): Promise<Verdict> => {
      await recordAudit(tx, SYSTEM, { action: 'security.campaign_dial_refused', targetType: 'campaign_contact', targetId: w.contactId, after: { campaign_id: w.campaignId, reason } }, systemMeta('campaigns.dial'));
      return { ok: false, reason, security: true };
    };
    const handBack = (reason: string, s: { status: 'pending' | 'skipped'; at?: Date; outcome?: string }): Verdict => {
      releases.push({ campaignId: w.campaignId, contactId: w.contactId, status: s.status, at: s.at ?? null, outcome: s.outcome ?? null });
      return { ok: false, reason, security: false };
    };
    const verdict = async (): Promise<Verdict> => {
      const campaign = campaigns.get(w.campaignId);
      if (!campaign) return refuse('campaign_not_in_organization');
      const contact = contacts.get(key);
      if (!contact) return refuse('contact_not_in_campaign');
      const channel = campaign.channel_id ? channels.get(campaign.channel_id) : null;
      if (campaign.channel_id && (!channel || channel.type !== 'voice')) return refuse('channel_not_usable');
      // The same claim twice in one batch: the first one's attempt makes it no longer claimable.
      if (seen.has(key) || contact.status !== 'dialing' || contact.claimed_by !== opts.worker || contact.current_attempt_id !== null) return { ok: false, reason: 'not_claimed', security: false };
      seen.add(key);
      if (campaign.status !== 'running') return handBack('campaign_not_running', { status: 'pending' });
      if (!channel) return handBack('no_channel', { status: 'pending', at: new Date(opts.now.getTime() + 60_000) });
      if (listed.has(contact.phone)) return handBack('dnc', { status: 'skipped', outcome: 'dnc' });
      const tz = contact.timezone ?? campaign.timezone;
      if (!isWithinWindow(opts.now, tz, campaign.calling_window)) {
        const next = nextWindowStart(opts.now, tz, campaign.calling_window) ?? new Date(opts.now.getTime() + 86_400_000);
        return handBack('outside_window', { status: 'pending', at: next });
      }
      return { ok: true, plan: { campaign, contact, channelId: channel.id, attemptNo: contact.attempts + 1 } };
    };
    verdicts.push(await verdict());
  }
  await repo.releaseContacts(tx, releases);
  return verdicts;
}

/**
 * The attempts of a batch, each committed with its idempotency key (campaign:contact:attempt number)
 * in the same transaction as its call row; the contacts now point at them.
 */
export async function recordAttempts(tx: Tx, rows: ReadonlyArray<{ id: string; plan: DialPlan; callId: string }>, now: Date): Promise<void> {
  const attempts = rows.map((a) => ({
    id: a.id, campaignId: a.plan.campaign.id, contactId: a.plan.contact.id, attemptNo: a.plan.attemptNo, callId: a.callId,
    idempotencyKey: `${a.plan.campaign.id}:${a.plan.contact.id}:${a.plan.attemptNo}`,
  }));
  await repo.insertAttempts(tx, attempts, now);
}

export const markAttemptsPlaced = (tx: Tx, placed: ReadonlyArray<{ attemptId: string; providerCallId: string }>) => repo.markAttemptsPlaced(tx, placed);

/**
 * The calls could not even be prepared (the agent or flow is gone, the channel lost its number): the
 * campaign is paused so it does not burn through its contacts, and the contacts wait.
 */
export async function pauseForConfiguration(tx: Tx, campaignId: string, contactIds: readonly string[], reason: string): Promise<void> {
  await repo.releaseContacts(tx, contactIds.map((contactId) => ({ campaignId, contactId, status: 'pending', at: null, outcome: null })));
  const paused = await repo.transitionCampaign(tx, campaignId, ['running'], 'paused');
  if (paused) await recordAudit(tx, SYSTEM, { action: 'campaign.paused', targetType: 'campaign', targetId: campaignId, after: { status: 'paused', reason: reason.slice(0, 200) } }, systemMeta('campaigns.dial'));
}

/** The variables a campaign call starts with: the contact's custom data, its name and number. */
export const callVariables = (c: repo.ContactRow): Record<string, unknown> => ({ ...c.data, name: c.name ?? '', phone: c.phone });
