import { z } from 'zod';
import { VariableName } from '../../features/flows/flow-primitives.js';
import { CALL_CHANNELS, CALL_MODES, CALL_STATUSES, TranscriptEntry } from '../../features/calls/schemas.js';
import { Timestamp } from '../../platform/http/schemas.js';

export const SESSION_LIMITS = { maxVariables: 50, maxVariableLength: 2000, maxTextLength: 4000, bodyLimitBytes: 64 * 1024 } as const;

export const Variables = z
  .record(VariableName, z.union([z.string().max(SESSION_LIMITS.maxVariableLength), z.number(), z.boolean(), z.null()]))
  .refine((v) => Object.keys(v).length <= SESSION_LIMITS.maxVariables, `at most ${SESSION_LIMITS.maxVariables} variables`)
  .describe('Values for the flow\'s variables (strings, numbers, booleans)');

export const StartSessionBody = z
  .strictObject({
    agent_id: z.uuid().optional(),
    flow_id: z.uuid().optional(),
    variables: Variables.optional(),
    mode: z.enum(CALL_MODES).default('live').describe('test: same configuration, no provider side effects, marked test'),
  })
  .refine((b) => (b.agent_id === undefined) !== (b.flow_id === undefined), { message: 'give exactly one of agent_id or flow_id', path: ['agent_id'] });

export const VoiceUrlBody = z
  .strictObject({ agent_id: z.uuid().optional(), flow_id: z.uuid().optional() })
  .refine((b) => (b.agent_id === undefined) !== (b.flow_id === undefined), { message: 'give exactly one of agent_id or flow_id', path: ['agent_id'] });

export const VoiceUrlOut = z.object({
  url: z.string().describe('The widget WebSocket URL (/ws/agent/{id} or /ws/flow/{id}) with the token'),
  token: z.string().describe('The same single-use token, alone'),
  expires_at: Timestamp,
});

export const MessageBody = z
  .strictObject({
    text: z.string().trim().min(1).max(SESSION_LIMITS.maxTextLength).optional(),
    dtmf: z.string().regex(/^[0-9*#]{1,32}$/, 'digits, * and # only').optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.dtmf === undefined), { message: 'give exactly one of text or dtmf', path: ['text'] });

const ReplyMessageOut = z.looseObject({ role: z.enum(['agent', 'system', 'human']), text: z.string(), type: z.string().optional(), node_id: z.string().optional(), agent_id: z.string().optional() });

export const SessionReplyOut = z.object({
  id: z.uuid(),
  status: z.enum(CALL_STATUSES),
  messages: z.array(ReplyMessageOut),
  variables: z.record(z.string(), z.unknown()),
  ended_reason: z.string().nullable(),
  awaiting: z.object({ kind: z.enum(['text', 'digits', 'speech']), grammar: z.looseObject({ kind: z.string() }) }).nullable(),
});

export const SessionOut = z.object({
  id: z.uuid(),
  status: z.enum(CALL_STATUSES),
  agent_id: z.uuid().nullable(),
  flow_id: z.uuid().nullable(),
  channel: z.enum(CALL_CHANNELS),
  mode: z.enum(CALL_MODES),
  variables: z.record(z.string(), z.unknown()),
  turns: z.number().int(),
  outcome: z.string().nullable(),
  ended_reason: z.string().nullable(),
  started_at: Timestamp,
  ended_at: Timestamp.nullable(),
  messages: z.array(TranscriptEntry),
});
