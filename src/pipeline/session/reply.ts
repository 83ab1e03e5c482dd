/** The shapes a transport returns for one turn (API.md "Sessions and calls"). */
import type { CallStatus } from '../../features/calls/store.js';
import type { InputGrammar, Output } from '../types.js';
import { actionText } from './drive.js';

export interface ReplyMessage {
  /** `human`: a support agent writing into an escalated session. */
  role: 'agent' | 'system' | 'human';
  text: string;
  type?: 'transfer' | 'handoff' | 'send_message' | 'schedule_callback';
  node_id?: string;
  agent_id?: string;
  [field: string]: unknown;
}

export interface SessionReply {
  id: string;
  status: CallStatus;
  messages: ReplyMessage[];
  variables: Record<string, unknown>;
  ended_reason: string | null;
  /** What the next input should look like (voice uses it to constrain recognition). */
  awaiting: { kind: 'text' | 'digits' | 'speech'; grammar: InputGrammar } | null;
}

export function messagesOf(outputs: readonly Output[]): ReplyMessage[] {
  const out: ReplyMessage[] = [];
  for (const o of outputs) {
    if (o.type === 'say') {
      if (o.text.trim()) out.push({ role: o.source === 'human' ? 'human' : 'agent', text: o.text, ...(o.node_id ? { node_id: o.node_id } : {}), ...(o.agent_id ? { agent_id: o.agent_id } : {}) });
    } else if (o.type === 'transfer' || o.type === 'handoff' || o.type === 'send_message' || o.type === 'schedule_callback') {
      const { type, ...fields } = o;
      out.push({ role: 'system', type, ...fields, text: actionText(o) ?? type });
    }
  }
  return out;
}

export function awaitingOf(outputs: readonly Output[], ended: boolean): SessionReply['awaiting'] {
  if (ended) return null;
  const wait = [...outputs].reverse().find((o): o is Extract<Output, { type: 'await_input' }> => o.type === 'await_input');
  return wait ? { kind: wait.kind, grammar: wait.grammar } : null;
}
