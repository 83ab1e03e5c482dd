import { z } from 'zod';
import { toIso } from '../../platform/http/schemas.js';
import type { AgentRow } from './repo.js';
import { presentRuntimeFields, runtimeFieldsBody, runtimeFieldsOut, runtimeFieldsPatch } from './runtime-fields.js';
import { VoiceSettingsBody } from './voice-settings.js';

/** Limits of one agent document (docs/api.md, "Agents and flows"); the migration's checks mirror them. */
export const AGENT_LIMITS = {
  maxSystemPromptLength: 32_000,
  maxGreetingLength: 4000,
  maxSettingsBytes: 16_384,
  maxSettingsDepth: 8,
  /** Request body cap: the longest prompt in 4-byte characters plus settings and the small fields. */
  bodyLimitBytes: 256 * 1024,
} as const;

/**
 * A well-formed BCP 47 tag, stored in canonical case (`en-in` → `en-IN`). Intl rejects malformed tags
 * (`en_US`, `x-foo`, `en--US`); region and script codes are checked for form, not against a registry.
 */
export const Language = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .describe('BCP 47 language tag, e.g. en-IN; stored in canonical case')
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag, e.g. en-IN' });
    return z.NEVER;
  });

/**
 * Free-form JSON for the pipeline (temperature, tools policy…), bounded so a row stays small; the one
 * key with a fixed shape, `voice`, is checked against it (./voice-settings.ts).
 */
export const Settings = z.record(z.string().max(200), z.unknown()).superRefine((value, ctx) => {
  if (depthOf(value) > AGENT_LIMITS.maxSettingsDepth) ctx.addIssue({ code: 'custom', message: `nesting deeper than ${AGENT_LIMITS.maxSettingsDepth} levels` });
  else if (Buffer.byteLength(JSON.stringify(value)) > AGENT_LIMITS.maxSettingsBytes) ctx.addIssue({ code: 'custom', message: `larger than ${AGENT_LIMITS.maxSettingsBytes} bytes as JSON` });
  else if (value.voice !== undefined) {
    const voice = VoiceSettingsBody.safeParse(value.voice);
    for (const issue of voice.error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message, path: ['voice', ...issue.path] });
  }
});

/** Iterative, so a hostile body nested thousands deep cannot overflow the stack. */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    max = Math.max(max, depth);
    if (max > AGENT_LIMITS.maxSettingsDepth) return max;
    if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stack.push([v, depth + 1]);
  }
  return max;
}

const Name = z.string().trim().min(1).max(200);
const SystemPrompt = z.string().max(AGENT_LIMITS.maxSystemPromptLength);
const ModelName = z.string().trim().min(1).max(200);
const Greeting = z.string().max(AGENT_LIMITS.maxGreetingLength);
const Voice = z.string().trim().min(1).max(200);

/**
 * Create (POST) and full replace (PUT): every field not given takes its default, so a PUT that omits
 * `greeting` clears it. `llm_model`/`voice` null mean "the platform default".
 */
export const AgentBody = z.strictObject({
  name: Name,
  system_prompt: SystemPrompt.default(''),
  llm_model: ModelName.nullable().default(null),
  language: Language.default('en-US'),
  greeting: Greeting.nullable().default(null),
  voice: Voice.nullable().default(null),
  flow_id: z.uuid().nullable().default(null),
  settings: Settings.default({}),
  ...runtimeFieldsBody,
});
export type AgentBody = z.infer<typeof AgentBody>;

/** Partial update: only the fields present change; null clears a nullable field. */
export const AgentPatchBody = z
  .strictObject({
    name: Name,
    system_prompt: SystemPrompt,
    llm_model: ModelName.nullable(),
    language: Language,
    greeting: Greeting.nullable(),
    voice: Voice.nullable(),
    flow_id: z.uuid().nullable(),
    settings: Settings,
    ...runtimeFieldsPatch,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');
export type AgentPatchBody = z.infer<typeof AgentPatchBody>;

export const AgentOut = z.object({
  id: z.string(),
  name: z.string(),
  system_prompt: z.string(),
  llm_model: z.string().nullable(),
  language: z.string(),
  greeting: z.string().nullable(),
  voice: z.string().nullable(),
  flow_id: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  ...runtimeFieldsOut,
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentOut = z.infer<typeof AgentOut>;

export const presentAgent = (a: AgentRow): AgentOut => ({
  id: a.id,
  name: a.name,
  system_prompt: a.system_prompt,
  llm_model: a.llm_model,
  language: a.language,
  greeting: a.greeting,
  voice: a.voice,
  flow_id: a.flow_id,
  settings: a.settings,
  ...presentRuntimeFields(a),
  created_at: toIso(a.created_at)!,
  updated_at: toIso(a.updated_at)!,
});
