import { z } from 'zod';

export const LLM_PROVIDER_KINDS = ['openai', 'openai_compatible', 'google', 'anthropic'] as const;
export const SPEECH_PROVIDER_KINDS = ['deepgram', 'elevenlabs', 'openai_speech'] as const;
export const PROVIDER_KINDS = [...LLM_PROVIDER_KINDS, ...SPEECH_PROVIDER_KINDS] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
export type LlmProviderKind = (typeof LLM_PROVIDER_KINDS)[number];

export const isLlmProviderKind = (kind: string): kind is LlmProviderKind => (LLM_PROVIDER_KINDS as readonly string[]).includes(kind);

/** Which kinds can fill an agent's speech roles (docs/voice.md): an `openai` key also works for OpenAI's speech. */
export const SPEECH_ROLE_KINDS = {
  stt: ['deepgram'],
  tts: ['elevenlabs', 'openai_speech', 'openai'],
} as const satisfies Record<'stt' | 'tts', readonly ProviderKind[]>;
export type SpeechRole = keyof typeof SPEECH_ROLE_KINDS;
export type SpeechRoleKind = (typeof SPEECH_ROLE_KINDS)[SpeechRole][number];
export const canFillSpeechRole = (kind: string, role: SpeechRole): kind is SpeechRoleKind => (SPEECH_ROLE_KINDS[role] as readonly string[]).includes(kind);

export const PROVIDER_LIMITS = { bodyLimitBytes: 32 * 1024 } as const;

const Name = z.string().trim().min(1).max(200);
const BaseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(2000)
  .describe('The API root, e.g. http://127.0.0.1:11434/v1 (Ollama) or https://api.openai.com/v1');
const Model = z.string().trim().min(1).max(200);
// Values are never echoed in errors (zod messages name rules, not input).
const Credentials = z.strictObject({ api_key: z.string().trim().min(1).max(4096) });

export const CreateProviderBody = z.strictObject({
  name: Name,
  kind: z.enum(PROVIDER_KINDS),
  base_url: BaseUrl.nullable().optional().describe('Required for openai_compatible; otherwise the official endpoint'),
  credentials: Credentials.optional().describe('Write-only: {api_key}. Required except for openai_compatible'),
  default_model: Model.nullable().optional().describe('The model agents use when they name none'),
});
export type CreateProviderBody = z.infer<typeof CreateProviderBody>;

/** `kind` is fixed at creation (credentials and wire format depend on it). */
export const UpdateProviderBody = z
  .strictObject({
    name: Name,
    base_url: BaseUrl.nullable().describe('Changing it on a provider with stored credentials requires credentials in the same request'),
    credentials: Credentials.nullable().describe('Write-only; replaces the stored credentials (null removes them, openai_compatible only)'),
    default_model: Model.nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');
export type UpdateProviderBody = z.infer<typeof UpdateProviderBody>;

export const ProviderOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(PROVIDER_KINDS),
  base_url: z.string().nullable(),
  credentials: z.object({
    configured: z.boolean(),
    hint: z.string().nullable().describe('"..." + the last 4 characters of a long API key'),
  }),
  default_model: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ProviderOut = z.infer<typeof ProviderOut>;

export const ProviderTestOut = z.object({
  ok: z.boolean(),
  latency_ms: z.number().int().nonnegative(),
  error: z.string().optional().describe('What failed, never the provider\'s own error text (it can echo the key)'),
});
export type ProviderTestOut = z.infer<typeof ProviderTestOut>;
