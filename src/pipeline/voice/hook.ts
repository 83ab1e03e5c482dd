/**
 * Voice channels' provider callbacks, inside the transaction that records the verified callback
 * (features/webhooks-inbound; the app passes this hook, since features do not import the pipeline):
 *
 * - a request for call instructions (the channel's voice webhook): an inbound call gets its call row
 *   (the channel's agent or flow, context frozen now); our outbound call (`?call_id=`) is attached to
 *   the row `POST /calls` created; both are answered with the markup that opens the media stream, whose
 *   URL carries a token bound to the org, the channel and the call. A machine answering → voicemail.
 * - a status callback: a call that ends before it began gets `no_answer`, `busy`, `failed` or
 *   `voicemail`; a call in conversation that the far end ended is hung up once the transaction committed.
 * - a transferred call's next step (`?event=transfer`: Plivo's aleg_url, Exotel's Connect applet;
 *   `?event=transfer_check`: Exotel's Passthru): the number the session recorded (./transfer.ts).
 */
import type { Deps } from '../../deps.js';
import { findCallByProviderId, readCallState, setProviderCallId, type CallStateRow } from '../../features/calls/store.js';
import { publicBase } from '../../features/channels/public.js';
import type { HookResult, RecordedCallback } from '../../features/webhooks-inbound/public.js';
import type { Tx } from '../../platform/db/types.js';
import { sessionRuntime } from '../index.js';
import type { UnansweredReason } from '../session/runtime.js';
import { hangupAnswer, readVoiceCallback, streamAnswer, streamBase, transferAnswer, type VoiceCallback } from './answer.js';
import { liveCall } from './live.js';
import { VOICE_STREAM_PATH } from './stream-routes.js';
import { signStreamToken } from './stream-token.js';
import { TRANSFER_CHECK_EVENT, TRANSFER_EVENT } from './transfer.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type VoiceProvider = 'twilio' | 'plivo' | 'exotel';

const notStarted = (call: CallStateRow): boolean => call.status === 'active' && call.state.not_started === true;

export function voiceCallbackHook(deps: Deps) {
  return async function afterVoiceCallback(tx: Tx, r: RecordedCallback): Promise<HookResult | void> {
    if (r.channel.type !== 'voice' || r.provider === 'meta') return;
    const provider: VoiceProvider = r.provider;
    const cb = readVoiceCallback(provider, r.params);
    const event = r.query.get('event');
    const transferStep = event === TRANSFER_CHECK_EVENT ? 'check' : event === TRANSFER_EVENT ? 'connect' : null;
    // A transfer request always gets its answer (no call: no number), so Exotel's Passthru never reads a bare 200 as "transfer".
    if (!cb.providerCallId) return transferStep ? { answer: transferAnswer(provider, null, transferStep, r.channel.phone_number) } : undefined;
    const ours = r.query.get('call_id');
    const isStatus = event === 'status' || cb.isStatus;
    let call = ours !== null ? (UUID_RE.test(ours) ? await readCallState(tx, ours) : null) : await findCallByProviderId(tx, r.channel.id, cb.providerCallId);
    // Only this channel's calls: an id from another channel (or org: RLS) is no call at all.
    if (call && (call.channel_id !== r.channel.id || call.channel !== 'voice')) call = null;
    if (transferStep) return { answer: transferAnswer(provider, call && transferTarget(call), transferStep, r.channel.phone_number) };
    if (isStatus) return call ? statusUpdate(deps, tx, call, cb) : undefined;

    if (call) {
      if (ours !== null && !(await setProviderCallId(tx, call.id, cb.providerCallId))) return { answer: hangupAnswer(provider) };
      if (!notStarted(call)) return { answer: hangupAnswer(provider) };
    } else {
      if (ours !== null) return { answer: hangupAnswer(provider) };
      const target = r.channel.agent_id ? { agent_id: r.channel.agent_id } : r.channel.flow_id ? { flow_id: r.channel.flow_id } : null;
      if (!target) return { answer: hangupAnswer(provider) };
      const prepared = await sessionRuntime(deps).prepare(tx, {
        ...target, channel: 'voice', channel_id: r.channel.id, direction: 'inbound', from_number: cb.from, to_number: cb.to, provider_call_id: cb.providerCallId,
      });
      call = await readCallState(tx, prepared.id);
      if (!call) return { answer: hangupAnswer(provider) };
    }
    if (cb.machine) {
      await sessionRuntime(deps).endUnanswered(tx, call.id, 'voicemail');
      return { answer: hangupAnswer(provider) };
    }
    const base = publicBase(deps.config);
    if (!base) return { answer: hangupAnswer(provider) };
    const token = signStreamToken(deps.webSessions, { org_id: tx.orgId, channel_id: r.channel.id, call_id: call.id, provider });
    return { answer: streamAnswer(provider, `${streamBase(base)}${VOICE_STREAM_PATH}/${provider}/${token}`, call.id) };
  };
}

/** The number of the call's last recorded transfer (the session's `transfer` action), if it ended transferred. */
function transferTarget(call: CallStateRow): string | null {
  if (call.status !== 'ended' || call.ended_reason !== 'transferred') return null;
  const last = call.actions.filter((a): a is { type: 'transfer'; phone_number?: unknown } => typeof a === 'object' && a !== null && (a as { type?: unknown }).type === 'transfer').at(-1);
  return typeof last?.phone_number === 'string' ? last.phone_number : null;
}

function unansweredReason(cb: VoiceCallback): UnansweredReason | null {
  if (cb.machine) return 'voicemail';
  switch (cb.progress) {
    case 'busy':
      return 'busy';
    case 'no_answer':
    case 'canceled':
      return 'no_answer';
    // Answered (or not) but our media stream never began: the call failed as far as the session goes.
    case 'completed':
    case 'failed':
      return 'failed';
    default:
      return null;
  }
}

async function statusUpdate(deps: Deps, tx: Tx, call: CallStateRow, cb: VoiceCallback): Promise<HookResult | void> {
  if (notStarted(call)) {
    const reason = unansweredReason(cb);
    if (reason) await sessionRuntime(deps).endUnanswered(tx, call.id, reason);
    return;
  }
  const over = cb.progress === 'completed' || cb.progress === 'failed' || cb.progress === 'busy' || cb.progress === 'no_answer' || cb.progress === 'canceled';
  if (!over || call.status === 'ended') return;
  const orgId = tx.orgId;
  // The far end hung up: the live loop (if this process holds the stream) or the session itself.
  return {
    afterCommit: async () => {
      const live = liveCall(deps, orgId, call.id);
      if (live) await live.callerHangup();
      else await sessionRuntime(deps).end({ orgId }, call.id).catch(() => {});
    },
  };
}
