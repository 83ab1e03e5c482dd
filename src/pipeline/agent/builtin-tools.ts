/** The built-in tools an agent may have enabled (`tools_builtin`): each becomes an AgentAction, not a request. */
import type { BuiltinTool } from '../context/types.js';
import type { AgentAction } from '../types.js';

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });

export const BUILTIN_SCHEMAS: Record<BuiltinTool, { description: string; schema: Record<string, unknown>; done: string }> = {
  end_call: {
    description: 'End the conversation when the caller is done or says goodbye.',
    schema: { type: 'object', properties: { reason: str('why the conversation ends', { maxLength: 200 }) }, additionalProperties: false },
    done: 'The conversation will end after your reply.',
  },
  human_handoff: {
    description: 'Hand the conversation to a human colleague when the caller asks for a person or you cannot help.',
    schema: { type: 'object', properties: { reason: str('why a person is needed', { maxLength: 500 }), queue: str('which team', { maxLength: 100 }) }, additionalProperties: false },
    done: 'A person will take over; tell the caller briefly.',
  },
  transfer_call: {
    description: 'Transfer the call to a phone number (E.164) or a queue.',
    schema: { type: 'object', properties: { phone_number: str('E.164 number', { pattern: '^\\+[1-9][0-9]{6,14}$' }), queue: str('queue name', { maxLength: 100 }) }, additionalProperties: false },
    done: 'The transfer is arranged.',
  },
  send_message: {
    description: 'Send the caller a text message (SMS or WhatsApp).',
    schema: {
      type: 'object',
      properties: { text: str('the message', { maxLength: 1600 }), to: str('E.164 number; default the caller', { pattern: '^\\+[1-9][0-9]{6,14}$' }), channel: { type: 'string', enum: ['sms', 'whatsapp'] } },
      required: ['text'],
      additionalProperties: false,
    },
    done: 'The message is queued.',
  },
  schedule_callback: {
    description: 'Schedule a call back to the caller at a given time.',
    schema: { type: 'object', properties: { at: str('RFC 3339 date-time', { maxLength: 64 }), phone: str('E.164 number', { pattern: '^\\+[1-9][0-9]{6,14}$' }), note: str('what it is about', { maxLength: 500 }) }, required: ['at'], additionalProperties: false },
    done: 'The callback is scheduled.',
  },
};

const opt = <K extends string>(key: K, v: unknown): Partial<Record<K, string>> => (typeof v === 'string' && v !== '' ? ({ [key]: v } as Record<K, string>) : {});

export function toAction(tool: BuiltinTool, args: Record<string, unknown>): AgentAction {
  switch (tool) {
    case 'end_call':
      return { type: 'end_call', ...opt('reason', args.reason) };
    case 'human_handoff':
      return { type: 'human_handoff', ...opt('reason', args.reason), ...opt('queue', args.queue) };
    case 'transfer_call':
      return { type: 'transfer_call', ...opt('phone_number', args.phone_number), ...opt('queue', args.queue) };
    case 'send_message':
      return { type: 'send_message', text: String(args.text ?? ''), ...opt('to', args.to), ...(args.channel === 'sms' || args.channel === 'whatsapp' ? { channel: args.channel } : {}) };
    case 'schedule_callback':
      return { type: 'schedule_callback', at: String(args.at ?? ''), ...opt('phone', args.phone), ...opt('note', args.note) };
  }
}
