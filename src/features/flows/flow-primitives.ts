import { z } from 'zod';
import { isValidPhoneNumber } from 'libphonenumber-js';

/** Size limits for one flow document; see docs/flows.md ("Limits"). */
export const FLOW_LIMITS = {
  maxNodes: 500,
  maxEdges: 2000,
  maxTextLength: 4000,
  maxFlowVariables: 100,
  maxIdLength: 128,
  maxPatternLength: 500,
  maxArgumentDepth: 8,
} as const;

/** Variables every session has; flows may read them but never set or redeclare them. */
export const BUILT_IN_VARIABLES = ['caller_number', 'called_number', 'channel', 'now', 'last_utterance'] as const;

/** Keys rejected anywhere in a body: the organization always comes from the credential. */
const TENANT_KEYS = new Set(['org_id', 'organization_id']);
export const isTenantKey = (key: string): boolean => TENANT_KEYS.has(key);

export const ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** A reference may walk into an object (`{{order.status}}`); only its root must be a known variable. */
export const VARIABLE_REF_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z0-9_]{1,64}){0,8}$/;
const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
const HHMM_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

export const NodeId = z.string().min(1).max(FLOW_LIMITS.maxIdLength).regex(ID_PATTERN, 'may contain only letters, digits and _ . : -');
export const EdgeId = NodeId;
/** A reference from node data to one of the node's own outgoing edges, by edge id. */
export const EdgeRef = EdgeId;

export const Text = z.string().trim().min(1).max(FLOW_LIMITS.maxTextLength);
export const ShortText = z.string().trim().min(1).max(200);
export const TimeoutMs = z.int().min(1000).max(120_000);
export const MaxAttempts = z.int().min(1).max(10);

const builtIns: ReadonlySet<string> = new Set(BUILT_IN_VARIABLES);
export const isBuiltInVariable = (name: string): boolean => builtIns.has(name);

/** A variable a node sets or a flow declares: not a built-in, not a tenant key. */
export const VariableName = z
  .string()
  .regex(VARIABLE_NAME_PATTERN, 'must start with a letter or _ and contain only letters, digits and _ (max 64)')
  .refine((v) => !isBuiltInVariable(v), 'is a built-in variable and cannot be set')
  .refine((v) => !isTenantKey(v), 'is a reserved name');

export const VariableRef = z.string().regex(VARIABLE_REF_PATTERN, 'must be a variable name, optionally with .field parts');

export const PhoneNumberE164 = z
  .string()
  .refine((v) => E164_PATTERN.test(v) && isValidPhoneNumber(v), 'must be a valid E.164 phone number, e.g. +14155552671');

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Kolkata');
export const ClockTime = z.string().regex(HHMM_PATTERN, 'must be HH:MM (24-hour)');

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
};
/** A caller-supplied regular expression. The runtime must still bound its input length (ReDoS). */
export const RegexPattern = z.string().min(1).max(FLOW_LIMITS.maxPatternLength).refine(compiles, 'is not a valid regular expression');
export const isCompilableRegex = compiles;

/**
 * Tool call arguments: free-form JSON whose strings may hold `{{variable}}` templates. Walked without
 * recursion so a deeply nested body cannot overflow the stack; tenant keys are rejected at any depth.
 */
export const ToolArguments = z.record(z.string(), z.unknown()).superRefine((args, ctx) => {
  const stack: Array<{ value: unknown; path: Array<string | number>; depth: number }> = [{ value: args, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (depth > FLOW_LIMITS.maxArgumentDepth) {
      ctx.addIssue({ code: 'custom', path, message: `nesting deeper than ${FLOW_LIMITS.maxArgumentDepth} levels` });
      continue;
    }
    if (typeof value === 'string' && value.length > FLOW_LIMITS.maxTextLength) {
      ctx.addIssue({ code: 'custom', path, message: `string longer than ${FLOW_LIMITS.maxTextLength} characters` });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i], depth: depth + 1 }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (isTenantKey(key)) ctx.addIssue({ code: 'custom', path: [...path, key], message: `"${key}" is not allowed` });
        else stack.push({ value: item, path: [...path, key], depth: depth + 1 });
      }
    } else if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      ctx.addIssue({ code: 'custom', path, message: 'must be JSON' });
    }
  }
});
