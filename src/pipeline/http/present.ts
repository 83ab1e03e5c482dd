import { presentMessage } from '../../features/calls/schemas.js';
import type { CallStateRow, MessageRow } from '../../features/calls/store.js';
import { toIso } from '../../platform/http/schemas.js';

export const presentSession = ({ call, transcript }: { call: CallStateRow; transcript: MessageRow[] }) => ({
  id: call.id,
  status: call.status,
  agent_id: call.agent_id,
  flow_id: call.flow_id,
  channel: call.channel,
  mode: call.mode,
  variables: call.variables,
  turns: call.turns,
  outcome: call.outcome,
  ended_reason: call.ended_reason,
  started_at: toIso(call.started_at)!,
  ended_at: toIso(call.ended_at),
  messages: transcript.map(presentMessage),
});
