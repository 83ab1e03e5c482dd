/**
 * The agent fields the conversation runtime reads (API.md "AI and speech providers"): which providers
 * answer, the built-in tools the model is offered, and per-agent session limits. Stored flat
 * (`stt_provider_id`, `stt_model`, …); the API shows `stt` and `tts` as objects.
 */
import { z } from 'zod';
import type { AgentRow } from './repo.js';

export const BUILTIN_TOOLS = ['transfer_call', 'end_call', 'human_handoff', 'schedule_callback', 'send_message'] as const;
export type BuiltinTool = (typeof BUILTIN_TOOLS)[number];

const ModelName = z.string().trim().min(1).max(200);
const ProviderId = z.uuid().nullable().describe("An id from /providers of this organization; null: the default");

export const Stt = z.strictObject({
  provider_id: ProviderId.default(null).describe('A speech recognition provider (deepgram); null: the offline recognizer'),
  model: ModelName.nullable().default(null),
});
export const Tts = z.strictObject({
  provider_id: ProviderId.default(null).describe('A text-to-speech provider (elevenlabs, openai_speech, or openai with the same key); null: the offline voice'),
  voice: ModelName.nullable().default(null).describe("The voice at that provider: an ElevenLabs voice ID, an OpenAI voice (alloy, coral…) or an espeak-ng voice (en-us+f2)"),
});
export const ToolsBuiltin = z
  .array(z.enum(BUILTIN_TOOLS))
  .max(BUILTIN_TOOLS.length * 2)
  .transform((tools) => [...new Set(tools)])
  .describe('Built-in actions the model may take');
export const MaxTurns = z.number().int().min(1).max(1000).nullable().describe('Caller turns before the session ends (max_turns); null: the platform limit');
export const MaxDurationSeconds = z.number().int().min(10).max(86_400).nullable().describe('Session length limit; null: the platform limit');

/** Create and replace: every field has its default. */
export const runtimeFieldsBody = {
  llm_provider_id: ProviderId.default(null).describe('A language-model provider of this org; null: the server default, else the offline responder'),
  stt: Stt.default({ provider_id: null, model: null }),
  tts: Tts.default({ provider_id: null, voice: null }),
  tools_builtin: ToolsBuiltin.default([]),
  max_turns: MaxTurns.default(null),
  max_duration_seconds: MaxDurationSeconds.default(null),
};

/** PATCH: each optional; `stt` and `tts` merge with the stored values (give null to clear one). */
export const runtimeFieldsPatch = {
  llm_provider_id: z.uuid().nullable(),
  stt: z.strictObject({ provider_id: z.uuid().nullable(), model: ModelName.nullable() }).partial(),
  tts: z.strictObject({ provider_id: z.uuid().nullable(), voice: ModelName.nullable() }).partial(),
  tools_builtin: ToolsBuiltin,
  max_turns: MaxTurns,
  max_duration_seconds: MaxDurationSeconds,
};

export const runtimeFieldsOut = {
  llm_provider_id: z.string().nullable(),
  stt: z.object({ provider_id: z.string().nullable(), model: z.string().nullable() }),
  tts: z.object({ provider_id: z.string().nullable(), voice: z.string().nullable() }),
  tools_builtin: z.array(z.enum(BUILTIN_TOOLS)),
  max_turns: z.number().nullable(),
  max_duration_seconds: z.number().nullable(),
};

export interface RuntimeFields {
  llm_provider_id: string | null;
  stt: { provider_id: string | null; model: string | null };
  tts: { provider_id: string | null; voice: string | null };
  tools_builtin: BuiltinTool[];
  max_turns: number | null;
  max_duration_seconds: number | null;
}

type StoredRuntime = Pick<AgentRow, 'llm_provider_id' | 'stt_provider_id' | 'stt_model' | 'tts_provider_id' | 'tts_voice' | 'tools_builtin' | 'max_turns' | 'max_duration_seconds'>;

export const presentRuntimeFields = (a: StoredRuntime): RuntimeFields => ({
  llm_provider_id: a.llm_provider_id,
  stt: { provider_id: a.stt_provider_id, model: a.stt_model },
  tts: { provider_id: a.tts_provider_id, voice: a.tts_voice },
  tools_builtin: a.tools_builtin as BuiltinTool[],
  max_turns: a.max_turns,
  max_duration_seconds: a.max_duration_seconds,
});

export const storeRuntimeFields = (f: RuntimeFields): StoredRuntime => ({
  llm_provider_id: f.llm_provider_id,
  stt_provider_id: f.stt.provider_id,
  stt_model: f.stt.model,
  tts_provider_id: f.tts.provider_id,
  tts_voice: f.tts.voice,
  tools_builtin: f.tools_builtin,
  max_turns: f.max_turns,
  max_duration_seconds: f.max_duration_seconds,
});
