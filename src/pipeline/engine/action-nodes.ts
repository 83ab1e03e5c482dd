import type { FlowNodeOf } from '../../features/flows/flow-schema.js';
import { endSession, handOff, renderIn, say, scopeOf, type Run } from './run.js';
import { lookup, rfc3339, stringify } from './templates.js';

/** Nodes that say and/or emit an action, then continue (`next`) or end the session (null). */

export function runEndCall(run: Run, node: FlowNodeOf<'end_call'>): null {
  say(run, node.data.message, { node_id: node.id, interruptible: false });
  endSession(run, 'completed');
  return null;
}

export function runTransfer(run: Run, node: FlowNodeOf<'transfer'>): null {
  const { phone_number, queue, message } = node.data;
  say(run, message, { node_id: node.id, interruptible: false });
  run.outputs.push({ type: 'transfer', ...(phone_number === undefined ? {} : { phone_number }), ...(queue === undefined ? {} : { queue }), node_id: node.id });
  endSession(run, 'transferred');
  return null;
}

export function runHumanHandoff(run: Run, node: FlowNodeOf<'human_handoff'>): null {
  const { queue, message, reason } = node.data;
  say(run, message, { node_id: node.id, interruptible: false });
  handOff(run, { ...(queue === undefined ? {} : { queue }), ...(reason === undefined ? {} : { reason: renderIn(run, reason) }), node_id: node.id });
  return null;
}

/** The default channel for messages: the session's own when it is SMS or WhatsApp, else SMS. */
export const messageChannel = (run: Run): 'sms' | 'whatsapp' => (run.ctx.channel === 'whatsapp' || run.ctx.channel === 'sms' ? run.ctx.channel : 'sms');

/** Sends `text`; a recipient that is unset or empty sends nothing (there is nobody to send to). */
export function runSendMessage(run: Run, node: FlowNodeOf<'send_message'>, next: string | null): string | null {
  const to = stringify(lookup(scopeOf(run), node.data.to_variable ?? 'caller_number')).trim();
  const text = renderIn(run, node.data.text);
  if (to !== '' && text.trim() !== '') {
    run.outputs.push({ type: 'send_message', channel: node.data.channel ?? messageChannel(run), to, text, node_id: node.id });
  }
  return next;
}

/** The callback time: `delay_minutes` from now, or the RFC 3339 time (or date) in `time_variable`. */
function callbackTime(run: Run, node: FlowNodeOf<'schedule_callback'>): string | null {
  const { delay_minutes, time_variable } = node.data;
  if (delay_minutes !== undefined) return rfc3339(run.at + delay_minutes * 60_000);
  const value = stringify(lookup(scopeOf(run), time_variable ?? '')).trim();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? null : rfc3339(ms);
}

/** Books the callback, then says `message`; without a number or a valid time nothing is booked. */
export function runScheduleCallback(run: Run, node: FlowNodeOf<'schedule_callback'>, next: string | null): string | null {
  const phone = stringify(lookup(scopeOf(run), node.data.phone_variable ?? 'caller_number')).trim();
  const at = callbackTime(run, node);
  if (phone !== '' && at !== null) {
    const note = node.data.note === undefined ? undefined : renderIn(run, node.data.note);
    run.outputs.push({ type: 'schedule_callback', phone, at, ...(note === undefined ? {} : { note }), node_id: node.id });
    say(run, node.data.message, { node_id: node.id });
  }
  return next;
}
