/**
 * What the session runtime (src/pipeline/session/) records about escalations, in the SAME transaction
 * as the turn: a handoff opens one (with the `escalation.created` webhook event), a session that stops
 * being escalated (the caller hung up, it ended) closes it, and a turn in an escalated session is a
 * `message` for the console. Returns the live events to publish once that transaction committed.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../platform/db/types.js';
import { emitEvent } from '../webhook-endpoints/events.js';
import type { EscalationEvent } from './hub.js';
import * as repo from './repo.js';
import { ESCALATION_LIMITS, presentEscalation } from './schemas.js';

export interface EscalationTurn {
  call_id: string;
  /** The turn's number in the call's records (a `message` event names it, so another process can re-read it). */
  turn: number;
  /** The caller event that caused the turn (`text`, `human_message`, `hangup`, `release`, …). */
  cause: string;
  /** The turn's handoff (a flow node, the agent's tool, the offline responder), if it handed off. */
  handoff: { queue?: string | undefined; reason?: string | undefined } | null;
  /** Whether the call is escalated after the turn. */
  escalated: boolean;
  /** What the turn added to the transcript. */
  messages: ReadonlyArray<{ role: string; text: string; at: Date }>;
}

const queueOf = (q: string | undefined) => q?.trim().slice(0, ESCALATION_LIMITS.queueChars) || 'default';
const reasonOf = (r: string | undefined) => r?.trim().slice(0, ESCALATION_LIMITS.reasonChars) || null;

export async function recordEscalationTurn(tx: Tx, t: EscalationTurn): Promise<EscalationEvent[]> {
  const open = await repo.openEscalationOfCall(tx, t.call_id);
  if (!open) {
    if (!t.handoff || !t.escalated) return [];
    const id = randomUUID();
    if (!(await repo.insertEscalation(tx, { id, call_id: t.call_id, queue: queueOf(t.handoff.queue), reason: reasonOf(t.handoff.reason) }))) return [];
    const escalation = presentEscalation((await repo.getEscalation(tx, id))!);
    await emitEvent(tx, {
      type: 'escalation.created',
      data: { escalation_id: id, call_id: t.call_id, queue: escalation.queue, reason: escalation.reason, channel: escalation.call.channel, agent_id: escalation.call.agent_id, flow_id: escalation.call.flow_id },
    });
    return [{ type: 'created', escalation }];
  }
  if (!t.escalated) {
    // A release or close from the queue was recorded before this (by the person's action); what is left
    // open here ended without a person: the caller hung up, or the session ran out (max_duration).
    await repo.closeEscalation(tx, open.id, t.cause === 'hangup' ? 'caller_hangup' : 'session_ended', null);
    return [{ type: 'closed', escalation: presentEscalation((await repo.getEscalation(tx, open.id))!) }];
  }
  if (t.messages.length === 0) return [];
  return [{ type: 'message', escalation: presentEscalation(open), turn: t.turn, messages: t.messages.map((m) => ({ role: m.role, text: m.text, at: m.at.toISOString() })) }];
}
