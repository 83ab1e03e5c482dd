/**
 * The SMS/WhatsApp side of the session bus: every stored turn of a live session on an SMS or WhatsApp
 * channel goes out to the person in the thread, whoever ran it — the inbound-message job, or a person
 * writing into an escalated session through the API (a `human_message` turn). Replies are sent in turn
 * order per session; `send_message` actions go out after the turn's reply.
 *
 * Rules: nothing goes to a number on the org's do-not-contact list (recorded as failed, so the call shows
 * why); an agent's `send_message` reaches only the person in the thread (model output never chooses
 * another recipient), a flow's `send_message` node may name any number; a message for the other
 * channel type than the thread's (WhatsApp from an SMS thread) is recorded as not sent.
 */
import type { Deps } from '../../deps.js';
import { isOnDnc } from '../../features/dnc/public.js';
import { readCallState } from '../../features/calls/store.js';
import { normalizeE164 } from './numbers.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { SessionContext } from '../context/types.js';
import type { SessionBus, SessionUpdate } from '../session/bus.js';
import { serialized } from '../session/queue.js';
import type { Output } from '../types.js';
import { loadChannel, recordUnsent, sendMessage, splitText, type Outgoing } from './send.js';

interface Planned {
  to: string;
  text: string;
  /** Why it is not sent, when it is not. */
  refused?: string;
}

interface Thread {
  channel: 'sms' | 'whatsapp';
  sender: string;
  /** Ids of the flow's own send_message nodes (authored by the org, unlike an agent's tool call). */
  messageNodes: ReadonlySet<string>;
}

/** What one turn sends: the lines said (agent, flow or a person) as one message, then each send_message action. */
export function planTurn(outputs: readonly Output[], thread: Thread): Planned[] {
  const reply = outputs.flatMap((o) => (o.type === 'say' && o.text.trim() ? [o.text.trim()] : [])).join('\n');
  const out: Planned[] = reply ? [{ to: thread.sender, text: reply }] : [];
  for (const o of outputs) {
    if (o.type !== 'send_message') continue;
    const to = normalizeE164(o.to) ?? o.to;
    const planned: Planned = { to, text: o.text };
    if (o.channel !== thread.channel) planned.refused = `this ${thread.channel} thread cannot send ${o.channel} messages`;
    else if (to !== thread.sender && !(o.node_id !== undefined && thread.messageNodes.has(o.node_id))) planned.refused = 'an agent may message only the person in the thread';
    else if (!normalizeE164(to)) planned.refused = 'the recipient is not an E.164 number';
    out.push(planned);
  }
  return out;
}

const pending = new WeakMap<Deps, Set<Promise<void>>>();

async function deliverTurn(deps: Deps, u: SessionUpdate): Promise<void> {
  const scope = { orgId: u.orgId };
  const call = await withOrg(deps.db, scope, (tx) => readCallState(tx, u.sessionId));
  if (!call?.channel_id || !call.from_number) return;
  const channel = await loadChannel(deps, u.orgId, call.channel_id);
  if (!channel || (channel.type !== 'sms' && channel.type !== 'whatsapp')) return;
  const ctx = call.context as unknown as SessionContext;
  const messageNodes = new Set((ctx.flow?.nodes ?? []).filter((n) => n.type === 'send_message').map((n) => n.id));
  for (const p of planTurn(u.outputs, { channel: channel.type, sender: call.from_number, messageNodes })) {
    for (const text of splitText(p.text, channel.type)) {
      const m: Outgoing = { orgId: u.orgId, channel, callId: call.id, to: p.to, text };
      const blocked = p.refused ?? ((await withOrg(deps.db, scope, (tx) => isOnDnc(tx, p.to))) ? 'the recipient is on the do-not-contact list' : undefined);
      if (blocked) await recordUnsent(deps, m, blocked);
      else await sendMessage(deps, m);
    }
  }
}

/** Subscribes the transport to the runtime's bus (once per Deps). */
export function attachMessagingTransport(deps: Deps, bus: SessionBus): void {
  if (pending.has(deps)) return;
  const inflight = new Set<Promise<void>>();
  pending.set(deps, inflight);
  bus.subscribeAll((u) => {
    if ((u.channel !== 'sms' && u.channel !== 'whatsapp') || u.mode !== 'live' || !u.channelId) return;
    // In turn order per session: each turn's messages wait for the previous turn's (the runtime's own
    // per-key chain, under a key of its own so a slow provider never holds up the session's next turn).
    const tail = serialized(`messaging:${u.orgId}:${u.sessionId}`, () => deliverTurn(deps, u)).catch((err: unknown) =>
      deps.log.warn({ err, org: u.orgId, call: u.sessionId }, 'messaging: a turn could not be delivered'),
    );
    inflight.add(tail);
    void tail.finally(() => inflight.delete(tail));
  });
}

/** Resolves when every send started so far has finished (tests, graceful shutdown). */
export async function messagingSettled(deps: Deps): Promise<void> {
  const set = pending.get(deps);
  while (set && set.size > 0) await Promise.all([...set]);
}
