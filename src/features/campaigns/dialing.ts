/**
 * The dialing engine's steps that touch campaign data (the engine itself, which also places the calls,
 * is src/pipeline/campaigns/). Each runs inside ONE tenant transaction of the org the work belongs to;
 * none makes a network call. The engine's clock is passed in (`now`), so tests can move time.
 */
import type { Tx } from '../../platform/db/types.js';
import { systemMeta } from '../../platform/request-meta.js';
import { recordAudit } from '../audit/audit.js';
import { getChannel } from '../channels/public.js';
import { isOnDnc, recordVoiceOptOut } from '../dnc/public.js';
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
 */
export async function claimDueWork(tx: Tx, opts: { worker: string; now: Date; capacity: number; leaseSeconds: number }): Promise<ClaimedContact[]> {
  await repo.releaseLapsedClaims(tx, opts.now);
  const out: ClaimedContact[] = [];
  for (const c of await repo.lockRunningCampaigns(tx)) {
    const room = Math.min(c.max_concurrency - c.dialing, opts.capacity - out.length);
    if (room <= 0) continue;
    for (const id of await repo.claimDueContacts(tx, c.id, opts.worker, room, opts.now, opts.leaseSeconds)) out.push({ campaignId: c.id, contactId: id });
    if (out.length >= opts.capacity) break;
  }
  return out;
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
 * Right before a dial, in the org's transaction: the campaign and the contact are this org's (and the
 * contact is that campaign's), the campaign runs, the contact is still this worker's claim, its channel
 * is this org's voice channel, the number is not on the do-not-call list and the contact's calling
 * window is open. Work naming anything outside the org is refused with a security event in the audit
 * log; the benign cases (paused meanwhile, do-not-call, window closed) hand the contact back.
 */
export async function verifyDial(tx: Tx, opts: { worker: string; now: Date; campaignId: string; contactId: string }): Promise<Verdict> {
  const refuse = async (reason: string): Promise<Verdict> => {
    await recordAudit(tx, SYSTEM, { action: 'security.campaign_dial_refused', targetType: 'campaign_contact', targetId: opts.contactId, after: { campaign_id: opts.campaignId, reason } }, systemMeta('campaigns.dial'));
    return { ok: false, reason, security: true };
  };
  const campaign = await repo.getCampaign(tx, opts.campaignId);
  if (!campaign) return refuse('campaign_not_in_organization');
  const contact = await repo.getContact(tx, opts.campaignId, opts.contactId, { lock: true });
  if (!contact) return refuse('contact_not_in_campaign');
  const channel = campaign.channel_id ? await getChannel(tx, campaign.channel_id) : null;
  if (campaign.channel_id && (!channel || channel.type !== 'voice')) return refuse('channel_not_usable');
  if (contact.status !== 'dialing' || contact.claimed_by !== opts.worker || contact.current_attempt_id !== null) return { ok: false, reason: 'not_claimed', security: false };
  const handBack = async (reason: string, s: { status: 'pending' | 'skipped'; at?: Date; outcome?: string }): Promise<Verdict> => {
    await repo.releaseContact(tx, opts.campaignId, opts.contactId, s);
    return { ok: false, reason, security: false };
  };
  if (campaign.status !== 'running') return handBack('campaign_not_running', { status: 'pending' });
  if (!channel) return handBack('no_channel', { status: 'pending', at: new Date(opts.now.getTime() + 60_000) });
  if (await isOnDnc(tx, contact.phone)) return handBack('dnc', { status: 'skipped', outcome: 'dnc' });
  const tz = contact.timezone ?? campaign.timezone;
  if (!isWithinWindow(opts.now, tz, campaign.calling_window)) {
    const next = nextWindowStart(opts.now, tz, campaign.calling_window) ?? new Date(opts.now.getTime() + 86_400_000);
    return handBack('outside_window', { status: 'pending', at: next });
  }
  return { ok: true, plan: { campaign, contact, channelId: channel.id, attemptNo: contact.attempts + 1 } };
}

/** The attempt, committed with its idempotency key in the same transaction as the call row. */
export async function recordAttempt(tx: Tx, a: { id: string; plan: DialPlan; callId: string; now: Date }): Promise<string> {
  const key = `${a.plan.campaign.id}:${a.plan.contact.id}:${a.plan.attemptNo}`;
  await repo.insertAttempt(tx, { id: a.id, campaignId: a.plan.campaign.id, contactId: a.plan.contact.id, attemptNo: a.plan.attemptNo, idempotencyKey: key, at: a.now });
  await repo.setAttemptCall(tx, a.id, a.callId);
  await repo.markContactDialing(tx, a.plan.campaign.id, a.plan.contact.id, a.id, a.plan.attemptNo);
  return key;
}

export const markAttemptPlaced = (tx: Tx, attemptId: string, providerCallId: string) => repo.markAttemptPlaced(tx, attemptId, providerCallId);

/**
 * The call could not even be prepared (its agent or flow is gone, the channel lost its number): the
 * campaign is paused so it does not burn through its contacts, and the contact waits.
 */
export async function pauseForConfiguration(tx: Tx, campaignId: string, contactId: string, reason: string): Promise<void> {
  await repo.releaseContact(tx, campaignId, contactId, { status: 'pending' });
  const paused = await repo.transitionCampaign(tx, campaignId, ['running'], 'paused');
  if (paused) await recordAudit(tx, SYSTEM, { action: 'campaign.paused', targetType: 'campaign', targetId: campaignId, after: { status: 'paused', reason: reason.slice(0, 200) } }, systemMeta('campaigns.dial'));
}

/** The variables a campaign call starts with: the contact's custom data, its name and number. */
export const callVariables = (c: repo.ContactRow): Record<string, unknown> => ({ ...c.data, name: c.name ?? '', phone: c.phone });
