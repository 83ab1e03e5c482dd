import { z } from 'zod';
import { ListQuery, Timestamp, toIso } from '../../platform/http/schemas.js';
import { CallMessageOut } from '../messaging/public.js';
import type { CallRow, HitRow, MessageRow, ToolCallRow, TurnRow, VoiceMarks } from './repo.js';

export const CALL_STATUSES = ['active', 'ended', 'escalated'] as const;
export const CALL_CHANNELS = ['text', 'web', 'voice', 'sms', 'whatsapp'] as const;
export const CALL_MODES = ['live', 'test'] as const;

export const CallListQuery = ListQuery.extend({
  phone: z.string().trim().min(1).max(64).optional(),
  status: z.enum(CALL_STATUSES).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('calls started at or after (RFC 3339)'),
  to: z.iso.datetime({ offset: true }).optional().describe('calls started before (RFC 3339)'),
  agent_id: z.uuid().optional(),
  flow_id: z.uuid().optional(),
  campaign_id: z.uuid().optional(),
  channel: z.enum(CALL_CHANNELS).optional(),
  mode: z.enum(CALL_MODES).optional(),
});
export type CallListQuery = z.infer<typeof CallListQuery>;

export const CallOut = z.object({
  id: z.uuid(),
  agent_id: z.uuid().nullable(),
  flow_id: z.uuid().nullable(),
  campaign_id: z.uuid().nullable(),
  channel: z.enum(CALL_CHANNELS),
  channel_id: z.uuid().nullable().describe('the channel the session came through (widget, number); null for API sessions'),
  mode: z.enum(CALL_MODES),
  status: z.enum(CALL_STATUSES),
  direction: z.enum(['inbound', 'outbound']),
  from_number: z.string().nullable(),
  to_number: z.string().nullable(),
  turns: z.number().int(),
  outcome: z.string().nullable(),
  ended_reason: z.string().nullable(),
  started_at: Timestamp,
  ended_at: Timestamp.nullable(),
  duration_seconds: z.number().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type CallOut = z.infer<typeof CallOut>;

export const TranscriptEntry = z.object({
  role: z.string(),
  text: z.string(),
  at: Timestamp,
  interrupted: z.boolean().optional(),
  node_id: z.string().optional(),
  agent_id: z.string().optional(),
  turn: z.number().int(),
});

export const RecordingOut = z
  .object({
    duration_ms: z.number().int(),
    bytes: z.number().int().describe('size of the WAV that GET /calls/{id}/recording returns'),
    format: z.literal('wav').describe('16-bit PCM, 8 kHz, mono: caller and agent mixed'),
    created_at: Timestamp,
  })
  .nullable()
  .describe('the call\'s recording (agents with settings.voice.record); null when there is none');
export type RecordingOut = z.infer<typeof RecordingOut>;

export const CallDetailOut = CallOut.extend({
  variables: z.record(z.string(), z.unknown()),
  actions: z.array(z.unknown()),
  transcript: z.array(TranscriptEntry),
  tool_calls: z.array(z.object({
    turn: z.number().int(), kind: z.string(), name: z.string(), tool_id: z.string().nullable(), arguments: z.unknown(),
    status: z.string(), latency_ms: z.number(), error: z.string().nullable(), at: Timestamp,
  })),
  knowledge_hits: z.array(z.object({ turn: z.number().int(), document_id: z.uuid(), chunk_id: z.uuid(), score: z.number(), at: Timestamp })),
  latency: z.array(z.object({
    turn: z.number().int(), engine_ms: z.number(), db_ms: z.number(), model_ttft_ms: z.number().nullable(), tool_ms: z.number(), total_ms: z.number(),
    stt_ms: z.number().nullable().describe('voice: end of the caller\'s speech (endpoint) to the final transcript'),
    tts_ms: z.number().nullable().describe('voice: first text given to speech synthesis to its first audio'),
    first_audio_ms: z.number().nullable().describe('voice: end of the caller\'s speech to the first agent audio sent'),
  })),
  messages: z.array(CallMessageOut).describe('SMS/WhatsApp messages sent for this call, with their delivery status'),
  recording: RecordingOut,
});
export type CallDetailOut = z.infer<typeof CallDetailOut>;

export const presentCall = (c: CallRow): CallOut => ({
  id: c.id,
  agent_id: c.agent_id,
  flow_id: c.flow_id,
  campaign_id: c.campaign_id,
  channel: c.channel,
  channel_id: c.channel_id,
  mode: c.mode,
  status: c.status,
  direction: c.direction,
  from_number: c.from_number,
  to_number: c.to_number,
  turns: c.turns,
  outcome: c.outcome,
  ended_reason: c.ended_reason,
  started_at: toIso(c.started_at)!,
  ended_at: toIso(c.ended_at),
  duration_seconds: c.ended_at ? Math.round((new Date(c.ended_at).getTime() - new Date(c.started_at).getTime()) / 100) / 10 : null,
  created_at: toIso(c.created_at)!,
  updated_at: toIso(c.updated_at)!,
});

export const presentMessage = (m: MessageRow) => ({
  role: m.role,
  text: m.text,
  at: toIso(m.at)!,
  ...(m.interrupted ? { interrupted: true } : {}),
  ...(m.node_id ? { node_id: m.node_id } : {}),
  ...(m.agent_id ? { agent_id: m.agent_id } : {}),
  turn: m.turn,
});

export const presentToolCall = (t: ToolCallRow) => ({
  turn: t.turn, kind: t.kind, name: t.name, tool_id: t.tool_id, arguments: t.arguments, status: t.status, latency_ms: t.latency_ms, error: t.error, at: toIso(t.at)!,
});
export const presentHit = (h: HitRow) => ({ turn: h.turn, document_id: h.document_id, chunk_id: h.chunk_id, score: h.score, at: toIso(h.at)! });
export const presentTurn = (t: TurnRow & VoiceMarks) => ({
  turn: t.turn, engine_ms: t.engine_ms, db_ms: t.db_ms, model_ttft_ms: t.model_ttft_ms, tool_ms: t.tool_ms, total_ms: t.total_ms,
  stt_ms: t.stt_ms, tts_ms: t.tts_ms, first_audio_ms: t.first_audio_ms,
});
