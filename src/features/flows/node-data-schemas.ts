import { z } from 'zod';
import {
  ClockTime,
  EdgeRef,
  MaxAttempts,
  PhoneNumberE164,
  RegexPattern,
  ShortText,
  Text,
  TimeoutMs,
  TimeZone,
  ToolArguments,
  VariableName,
  VariableRef,
  isCompilableRegex,
} from './flow-primitives.js';

// Every schema is strict: unknown keys (including org_id / organization_id) are rejected.
// Branching data points at the node's own outgoing edges by edge id (`edge_id`, `*_edge_id`).

export const EntryData = z.strictObject({});

export const SpeakData = z.strictObject({ text: Text });

export const ListenData = z.strictObject({
  /** Where the caller's utterance is stored (it is always also in `last_utterance`). */
  variable: VariableName.optional(),
  timeout_ms: TimeoutMs.optional(),
  /** Taken when the caller says nothing before the timeout; otherwise the flow continues with an empty value. */
  no_input_edge_id: EdgeRef.optional(),
});

export const CollectValidation = z.enum(['digits', 'number', 'email', 'phone', 'date', 'yes_no', 'regex', 'free_text']);

export const CollectData = z
  .strictObject({
    variable: VariableName,
    prompt: Text,
    validation: CollectValidation,
    /** Required when validation is `regex`, rejected otherwise. */
    pattern: RegexPattern.optional(),
    max_attempts: MaxAttempts.optional(),
    retry_prompt: Text.optional(),
    /** Taken after max_attempts invalid answers; without it the flow continues with the variable unset. */
    failure_edge_id: EdgeRef.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.validation === 'regex' && d.pattern === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'is required when validation is "regex"' });
    }
    if (d.validation !== 'regex' && d.pattern !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'is only allowed when validation is "regex"' });
    }
  });

export const DtmfOption = z.strictObject({
  digit: z.string().regex(/^[0-9*#]$/, 'must be one key: 0-9, * or #'),
  edge_id: EdgeRef,
});

export const DtmfMenuData = z
  .strictObject({
    prompt: Text,
    options: z.array(DtmfOption).min(1).max(12),
    timeout_ms: TimeoutMs.optional(),
    max_attempts: MaxAttempts.optional(),
    invalid_prompt: Text.optional(),
    /** Taken after max_attempts without a valid key; without it the call ends. */
    no_input_edge_id: EdgeRef.optional(),
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.options.forEach((o, i) => {
      if (seen.has(o.digit)) ctx.addIssue({ code: 'custom', path: ['options', i, 'digit'], message: `digit "${o.digit}" is used twice` });
      seen.add(o.digit);
    });
  });

export const CompareOp = z.enum(['eq', 'neq', 'contains', 'gt', 'lt', 'exists', 'matches']);
const CompareValue = z.union([z.string().max(4000), z.number(), z.boolean()]);

export const VariableTest = z
  .strictObject({ variable: VariableRef, op: CompareOp, value: CompareValue.optional() })
  .superRefine((t, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (t.op === 'exists') {
      if (t.value !== undefined) bad('must be omitted for op "exists"');
    } else if (t.value === undefined) bad(`is required for op "${t.op}"`);
    else if ((t.op === 'gt' || t.op === 'lt') && typeof t.value !== 'number') bad(`must be a number for op "${t.op}"`);
    else if (t.op === 'contains' && typeof t.value !== 'string') bad('must be a string for op "contains"');
    else if (t.op === 'matches' && (typeof t.value !== 'string' || !isCompilableRegex(t.value))) bad('must be a valid regular expression');
  });

/** True on the given ISO weekdays (1 = Monday … 7 = Sunday) between start (inclusive) and end (exclusive). */
export const HoursTest = z
  .strictObject({
    op: z.literal('within_hours'),
    timezone: TimeZone,
    days: z.array(z.int().min(1).max(7)).min(1).max(7),
    start: ClockTime,
    end: ClockTime,
  })
  .superRefine((t, ctx) => {
    if (new Set(t.days).size !== t.days.length) ctx.addIssue({ code: 'custom', path: ['days'], message: 'days must be unique' });
    if (t.end <= t.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start (split overnight windows into two branches)' });
  });

export const ConditionTest = z.discriminatedUnion('op', [VariableTest, HoursTest]);

export const ConditionData = z
  .strictObject({
    /** Evaluated in order; the first branch that holds wins. */
    branches: z.array(z.strictObject({ when: ConditionTest, edge_id: EdgeRef })).min(1).max(50),
    default_edge_id: EdgeRef,
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.branches.forEach((b, i) => {
      const key = JSON.stringify(b.when);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['branches', i, 'when'], message: 'repeats an earlier branch, so it can never match' });
      seen.add(key);
    });
  });

export const AiClass = z.strictObject({
  label: ShortText,
  description: Text.optional(),
  /** Sample utterances; also used by the offline (no LLM) keyword matcher. */
  examples: z.array(ShortText).max(20).optional(),
  edge_id: EdgeRef,
});

export const AiClassifyData = z
  .strictObject({
    /** Asked first, then the reply is classified; without it the most recent caller utterance is classified. */
    prompt: Text.optional(),
    instructions: Text.optional(),
    /** Where the chosen label is stored (the default branch stores an empty string). */
    variable: VariableName.optional(),
    classes: z.array(AiClass).min(1).max(20),
    default_edge_id: EdgeRef,
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.classes.forEach((c, i) => {
      const key = c.label.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['classes', i, 'label'], message: `label "${c.label}" is used twice` });
      seen.add(key);
    });
  });

export const ApiCallData = z.strictObject({
  tool_id: z.string().min(1).max(128),
  /** JSON arguments for the tool; strings may hold `{{variable}}` templates. */
  arguments: ToolArguments.optional(),
  /** Stores the whole response (read fields with `{{result.field}}`). */
  result_variable: VariableName.optional(),
  /** variable → dotted path into the response, e.g. `{"tier": "customer.tier"}`. */
  response_mapping: z
    .record(VariableName, z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){0,8}$/, 'must be a dotted path'))
    .refine((m) => Object.keys(m).length <= 50, 'at most 50 variables')
    .optional(),
  timeout_ms: TimeoutMs.optional(),
  /** Taken when the tool fails or times out; without it the flow continues with the result variables unset. */
  error_edge_id: EdgeRef.optional(),
});

export const AgentData = z.strictObject({
  agent_id: z.string().min(1).max(128),
  /** Caller turns before the flow moves on along the node's edge (if any); unlimited when omitted. */
  max_turns: z.int().min(1).max(200).optional(),
  /** Extra context handed to the agent, e.g. what the flow collected; may hold templates. */
  context: Text.optional(),
});

export const TransferData = z
  .strictObject({
    phone_number: PhoneNumberE164.optional(),
    queue: ShortText.optional(),
    message: Text.optional(),
  })
  .superRefine((d, ctx) => {
    if ((d.phone_number === undefined) === (d.queue === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['phone_number'], message: 'exactly one of phone_number (E.164) or queue is required' });
    }
  });

export const HumanHandoffData = z.strictObject({ queue: ShortText.optional(), message: Text.optional(), reason: Text.optional() });

export const ScheduleCallbackData = z
  .strictObject({
    delay_minutes: z.int().min(1).max(43_200).optional(),
    /** A variable holding an RFC 3339 time, e.g. one collected with validation "date". */
    time_variable: VariableRef.optional(),
    /** A variable holding the number to call back; defaults to caller_number. */
    phone_variable: VariableRef.optional(),
    message: Text.optional(),
    note: Text.optional(),
  })
  .superRefine((d, ctx) => {
    if ((d.delay_minutes === undefined) === (d.time_variable === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['delay_minutes'], message: 'exactly one of delay_minutes or time_variable is required' });
    }
  });

export const SendMessageData = z.strictObject({
  channel: z.enum(['sms', 'whatsapp']).optional(),
  text: Text,
  /** A variable holding the recipient; defaults to caller_number. */
  to_variable: VariableRef.optional(),
});

export const EndCallData = z.strictObject({ message: Text.optional() });

export type EntryData = z.infer<typeof EntryData>;
export type SpeakData = z.infer<typeof SpeakData>;
export type ListenData = z.infer<typeof ListenData>;
export type CollectData = z.infer<typeof CollectData>;
export type DtmfMenuData = z.infer<typeof DtmfMenuData>;
export type ConditionTest = z.infer<typeof ConditionTest>;
export type ConditionData = z.infer<typeof ConditionData>;
export type AiClassifyData = z.infer<typeof AiClassifyData>;
export type ApiCallData = z.infer<typeof ApiCallData>;
export type AgentData = z.infer<typeof AgentData>;
export type TransferData = z.infer<typeof TransferData>;
export type HumanHandoffData = z.infer<typeof HumanHandoffData>;
export type ScheduleCallbackData = z.infer<typeof ScheduleCallbackData>;
export type SendMessageData = z.infer<typeof SendMessageData>;
export type EndCallData = z.infer<typeof EndCallData>;
