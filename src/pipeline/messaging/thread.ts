/**
 * An inbound SMS/WhatsApp message in its thread: the sender's open session on this channel continues,
 * or a new one starts with the channel's agent or flow (after an idle timeout, the old one ends first).
 * STOP-style keywords end the thread and put the sender on the org's do-not-contact list (one
 * confirmation is sent, as carriers require); START lifts a keyword opt-out. Replies go out through
 * the bus (transport.ts), like every turn of the session.
 *
 * One message at a time per (org, channel, sender) in this process; across processes, a second thread
 * for the same sender fails on the open-thread unique index (migration 0015) and the job retries into it.
 */
import type { Deps } from '../../deps.js';
import { findOpenThread } from '../../features/calls/store.js';
import { getChannel, threadIdleMinutes, type ChannelRow } from '../../features/channels/public.js';
import { isOnDnc, recordOptIn, recordOptOut } from '../../features/dnc/public.js';
import { getInbound, markInboundProcessed } from '../../features/messaging/public.js';
import { getChannelEvent } from '../../features/webhooks-inbound/public.js';
import { readCallState } from '../../features/calls/store.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { AppError } from '../../platform/errors.js';
import { messagingEvents, optKeyword, type ProviderName } from '../../telephony/index.js';
import { endSession, sendToSession, startSession } from '../index.js';
import { serialized } from '../session/queue.js';
import { normalizeE164 } from './numbers.js';
import { sendMessage } from './send.js';

export const OPT_OUT_CONFIRMATION = 'You have been unsubscribed and will receive no more messages. Reply START to subscribe again.';
export const OPT_IN_CONFIRMATION = 'You are subscribed again. Reply STOP to unsubscribe.';

/** Queues the idle check of a thread (the job definitions live in jobs.ts). */
export type ScheduleIdleCheck = (tx: Tx, callId: string, delaySeconds: number) => Promise<unknown>;

/** Form fields as stored on the event (a repeated key keeps every value) back into URLSearchParams. */
function paramsOf(payload: unknown): URLSearchParams {
  const params = new URLSearchParams();
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return params;
  for (const [k, v] of Object.entries(payload)) for (const item of Array.isArray(v) ? v : [v]) if (typeof item === 'string') params.append(k, item);
  return params;
}

interface Inbound {
  channel: ChannelRow & { type: 'sms' | 'whatsapp' };
  from: string;
  text: string;
}

async function readInbound(deps: Deps, orgId: string, channelId: string, messageId: string): Promise<Inbound | null> {
  return withOrg(deps.db, { orgId }, async (tx) => {
    const claim = await getInbound(tx, channelId, messageId);
    const channel = await getChannel(tx, channelId);
    const event = claim && !claim.processed_at ? await getChannelEvent(tx, claim.event_id) : null;
    if (!claim || claim.processed_at || !channel || !event || (channel.type !== 'sms' && channel.type !== 'whatsapp')) return null;
    const provider = channel.provider as ProviderName;
    const m = messagingEvents(provider, paramsOf(event.payload), event.payload).find((e) => e.kind === 'message' && e.id === messageId);
    const from = m?.kind === 'message' ? normalizeE164(m.from) : null;
    return m?.kind === 'message' && from ? { channel: channel as Inbound['channel'], from, text: m.text } : null;
  });
}

const isIdle = (channel: ChannelRow, lastActivity: Date) => Date.now() - new Date(lastActivity).getTime() >= threadIdleMinutes(channel) * 60_000;
const isEnded = (err: unknown) => err instanceof AppError && err.status === 409;

/** Runs the message in the sender's thread; returns the call it went to (null: nothing ran). */
async function converse(deps: Deps, orgId: string, m: Inbound): Promise<string | null> {
  const scope = { orgId };
  const { thread, optedOut } = await withOrg(deps.db, scope, async (tx) => ({ thread: await findOpenThread(tx, m.channel.id, m.from), optedOut: await isOnDnc(tx, m.from) }));
  const keyword = optKeyword(m.text);
  if (keyword === 'opt_out' && !optedOut) {
    await withOrg(deps.db, scope, (tx) => recordOptOut(tx, m.from, m.channel.type));
    if (thread) await endSession(deps, scope, thread.id, {}, 'opted_out');
    await sendMessage(deps, { orgId, channel: m.channel, callId: thread?.id ?? null, to: m.from, text: OPT_OUT_CONFIRMATION });
    return thread?.id ?? null;
  }
  if (keyword === 'opt_in' && optedOut) {
    if (await withOrg(deps.db, scope, (tx) => recordOptIn(tx, m.from))) {
      await sendMessage(deps, { orgId, channel: m.channel, callId: null, to: m.from, text: OPT_IN_CONFIRMATION });
    }
    return null;
  }
  if (optedOut) return null; // no replies to an opted-out sender (docs/messaging.md)

  if (thread && thread.status === 'active' && isIdle(m.channel, thread.updated_at)) {
    await endSession(deps, scope, thread.id, {}, 'idle_timeout');
  } else if (thread) {
    try {
      await sendToSession(deps, scope, thread.id, { type: 'text', text: m.text });
      return thread.id;
    } catch (err) {
      if (!isEnded(err)) throw err;
      // An escalated thread stays with the person handling it: no new agent session behind their back.
      // (Whether a handed-off session takes the caller's text is the runtime's rule, RUNTIME.md.)
      if (thread.status === 'escalated') {
        deps.log.info({ org: orgId, call: thread.id }, 'messaging: the escalated session did not take the message');
        return thread.id;
      }
      // Otherwise it ended meanwhile (the flow finished): the message starts a new thread.
    }
  }
  if (!m.channel.agent_id && !m.channel.flow_id) {
    deps.log.warn({ org: orgId, channel: m.channel.id }, 'messaging: the channel has no agent or flow; the message is not answered');
    return null;
  }
  const started = await startSession(deps, scope, {
    ...(m.channel.flow_id ? { flow_id: m.channel.flow_id } : { agent_id: m.channel.agent_id ?? undefined }),
    channel: m.channel.type,
    channel_id: m.channel.id,
    mode: 'live',
    direction: 'inbound',
    from_number: m.from,
    to_number: m.channel.phone_number,
    variables: { caller_number: m.from },
  });
  if (started.status !== 'ended') await sendToSession(deps, scope, started.id, { type: 'text', text: m.text });
  return started.id;
}

export async function continueThread(deps: Deps, orgId: string, channelId: string, messageId: string, scheduleIdleCheck: ScheduleIdleCheck): Promise<void> {
  const m = await readInbound(deps, orgId, channelId, messageId);
  if (!m) {
    await withOrg(deps.db, { orgId }, (tx) => markInboundProcessed(tx, channelId, messageId, null));
    return;
  }
  await serialized(`thread:${orgId}:${channelId}:${m.from}`, async () => {
    const callId = await converse(deps, orgId, m);
    await withOrg(deps.db, { orgId }, async (tx) => {
      await markInboundProcessed(tx, channelId, messageId, callId);
      // A few seconds past the deadline, so the check finds the thread idle even with clock drift.
      if (callId) await scheduleIdleCheck(tx, callId, threadIdleMinutes(m.channel) * 60 + 5);
    });
  });
}

/** Ends the thread with `idle_timeout` if it is still active and nothing happened within the channel's timeout. */
export async function endIdleThread(deps: Deps, orgId: string, callId: string): Promise<void> {
  const scope = { orgId };
  const found = await withOrg(deps.db, scope, async (tx) => {
    const call = await readCallState(tx, callId);
    const channel = call?.channel_id ? await getChannel(tx, call.channel_id) : null;
    return call && channel ? { call, channel } : null;
  });
  if (!found || found.call.status !== 'active' || !isIdle(found.channel, found.call.updated_at)) return;
  await endSession(deps, scope, callId, {}, 'idle_timeout');
}
