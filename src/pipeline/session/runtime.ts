/**
 * The Session (RUNTIME.md): owns conversations. Each caller event is applied one at a time per session
 * (an in-process queue, plus the optimistic version check on the call row across processes: a stale
 * writer re-reads and retries), runs the engine, performs effects outside any transaction, and records
 * the turn — state, transcript, tool calls, knowledge hits, latency — in ONE short transaction.
 */
import { randomUUID } from 'node:crypto';
import type { LanguageModel } from 'ai';
import type { Deps } from '../../deps.js';
import { createCall, createCalls, readCallForTurn, readCallState, writeTurn, type CallStatus, type MessageRow } from '../../features/calls/store.js';
import { escalationHub, type EscalationEvent } from '../../features/escalations/hub.js';
import { recordEscalationTurn } from '../../features/escalations/store.js';
import { emitEvent, emitEvents } from '../../features/webhook-endpoints/events.js';
import { withOrg, type OrgScope } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { DEFAULT_MODEL_TURN, type ModelTurnOptions } from '../agent/agent-turn.js';
import { resolveModel as defaultResolveModel, type ModelResolver } from '../agent/model.js';
import type { HistoryEntry } from '../agent/types.js';
import { deepFreeze } from '../context/freeze.js';
import { loadSessionContext } from '../context/load.js';
import type { SessionContext } from '../context/types.js';
import type { CallerEvent, EngineState, Output, SessionChannel, SessionMode, StepResult } from '../types.js';
import { drive, type DriveResult, type Engine, type TranscriptEntry } from './drive.js';
import { engineContextOf } from './engine-context.js';
import { serialized } from './queue.js';
import { awaitingOf, messagesOf, type SessionReply } from './reply.js';
import { SessionBus } from './bus.js';
import type { SessionSink } from './transport.js';

export interface SessionRuntimeOptions {
  engine: Engine;
  resolveModel?: ModelResolver;
  modelTurn?: ModelTurnOptions;
  /** Transcript entries given to the model as history. */
  historyLimit?: number;
}

export interface StartSessionInput {
  agent_id?: string | undefined;
  flow_id?: string | undefined;
  variables?: Record<string, unknown> | undefined;
  mode?: SessionMode | undefined;
  channel?: SessionChannel | undefined;
  /** The channel (widget, SMS/WhatsApp number, phone line) the session came through; it must be this org's. */
  channel_id?: string | null | undefined;
  direction?: 'inbound' | 'outbound';
  from_number?: string | null;
  to_number?: string | null;
  /** Phone calls: the dialer's campaign, and the provider's id of the call when known. */
  campaign_id?: string | null;
  provider_call_id?: string | null;
}

/** Telephony outcomes of a call that was never answered (the provider's status callbacks). */
export type UnansweredReason = 'no_answer' | 'busy' | 'failed' | 'voicemail';

/**
 * A phone call's row exists before its conversation does (created by the answer webhook or when an
 * outbound call is placed); the engine starts when the media stream connects (`begin`). Until then its
 * state is this placeholder, which nothing but `begin`, a hang-up and `endUnanswered` accepts.
 */
const NOT_STARTED = 'not_started';
const isNotStarted = (state: Record<string, unknown>): boolean => state[NOT_STARTED] === true;

/** Options of one turn (escalation routes: the person's action is recorded in the turn's own transaction). */
export interface TurnOptions {
  /**
   * Runs inside the turn's write transaction, after the turn was written; throwing rolls the whole turn
   * back (and the error reaches the caller). `status` is the call's status after the turn.
   */
  inTurn?: (tx: Tx, turn: { status: CallStatus; turn: number }) => Promise<void>;
}

const STALE_RETRIES = 3;
const key = (orgId: string, id: string) => `${orgId}:${id}`;

function callerEntry(event: CallerEvent): TranscriptEntry | null {
  const at = new Date();
  const base = { at, interrupted: false, node_id: null, agent_id: null };
  switch (event.type) {
    case 'text':
    case 'speech_final':
      return { role: 'caller', text: event.text, ...base };
    case 'dtmf':
      return { role: 'caller', text: event.digits, ...base };
    case 'release':
      return { role: 'system', text: 'A support agent gave the conversation back to the agent', ...base };
    case 'close':
      return { role: 'system', text: 'A support agent closed the conversation', ...base };
    case 'hangup':
      return { role: 'system', text: HANGUP_TEXT[event.reason ?? 'caller_hangup'], ...base };
    default:
      return null;
  }
}

const HANGUP_TEXT = {
  caller_hangup: 'The caller ended the session',
  idle_timeout: 'The thread ended: no messages within the idle timeout',
  opted_out: 'The caller opted out (STOP)',
} as const;

/**
 * `escalated` while the session waits for or talks with a person (ended `handed_off`); a release makes
 * it `active` again, a close or a hang-up `ended`. A person's message (`human` entries) is recorded by
 * the engine's `say` with source `human`, not here.
 */
function statusOf(state: EngineState): CallStatus {
  if (state.ended_reason === 'handed_off') return 'escalated';
  return state.status === 'ended' ? 'ended' : 'active';
}

const toHistory = (rows: readonly MessageRow[]): HistoryEntry[] =>
  rows.filter((r) => r.role === 'caller' || r.role === 'agent').map((r) => ({ role: r.role as 'caller' | 'agent', text: r.text }));

/** The state of a phone call nobody answered yet (see NOT_STARTED). */
const notStartedState = (variables: Record<string, unknown>, at: Date) =>
  ({ v: 1, status: 'waiting_input', variables, turns: 0, started_at: at.getTime(), pending_effect: null, ended_reason: null, [NOT_STARTED]: true });

export class SessionRuntime {
  private readonly resolveModel: ModelResolver;
  private readonly modelTurn: ModelTurnOptions;
  private readonly historyLimit: number;
  /** Every stored turn, for transports that did not run it (./bus.ts). */
  readonly bus: SessionBus;

  constructor(private readonly deps: Deps, private readonly opts: SessionRuntimeOptions) {
    this.bus = new SessionBus((err, u) => deps.log.warn({ err, call: u.sessionId, org: u.orgId }, 'a session listener failed'));
    this.resolveModel = opts.resolveModel ?? defaultResolveModel;
    this.modelTurn = opts.modelTurn ?? DEFAULT_MODEL_TURN;
    this.historyLimit = opts.historyLimit ?? 20;
  }

  /** Models are resolved lazily (outside transactions) and once per agent per event. */
  private models(ctx: SessionContext): (agentId: string | null) => Promise<LanguageModel | null> {
    const cache = new Map<string | null, Promise<LanguageModel | null>>();
    return (agentId) => {
      let m = cache.get(agentId);
      if (!m) cache.set(agentId, (m = this.resolveModel(this.deps, ctx, agentId === null ? null : (ctx.agents[agentId] ?? null))));
      return m;
    };
  }

  private async run(ctx: SessionContext, history: HistoryEntry[], first: (engineCtx: ReturnType<typeof engineContextOf>) => StepResult, sink: SessionSink): Promise<DriveResult> {
    const modelFor = this.models(ctx);
    const classifies = ctx.flow?.nodes.some((n) => n.type === 'ai_classify') ?? false;
    // A model that cannot be resolved (provider removed or misconfigured) means keyword classification, as
    // when there is none: never a failed turn (nor a session that cannot even be ended).
    const engineCtx = engineContextOf(ctx, classifies && (await modelFor(ctx.agent_id).catch(() => null)) !== null);
    return drive(this.opts.engine, engineCtx, () => first(engineCtx), { deps: this.deps, ctx, modelFor, modelTurn: this.modelTurn, history }, sink);
  }

  /** Starts a session: context loaded in the org's transaction (404 for anything not in the org). */
  async start(scope: OrgScope, input: StartSessionInput, sink: SessionSink = {}): Promise<SessionReply> {
    const began = performance.now();
    const ctx = await withOrg(this.deps.db, scope, (tx) =>
      loadSessionContext(tx, { agent_id: input.agent_id, flow_id: input.flow_id, channel: input.channel ?? 'text', mode: input.mode ?? 'live' }),
    );
    const dbRead = performance.now() - began;
    const at = Date.now();
    const r = await this.run(ctx, [], (engineCtx) => this.opts.engine.start(engineCtx, { variables: input.variables ?? {}, at }), sink);
    const id = randomUUID();
    const status = statusOf(r.state);
    const wrote = performance.now();
    const escalations = await withOrg(this.deps.db, scope, async (tx) => {
      await createCall(tx, {
        id, agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: ctx.channel, channel_id: input.channel_id ?? null, mode: ctx.mode,
        direction: input.direction ?? 'inbound', from_number: input.from_number ?? null, to_number: input.to_number ?? null,
        state: r.state, context: ctx as unknown as Record<string, unknown>, variables: r.state.variables, started_at: new Date(at),
      });
      await emitEvent(tx, { type: 'call.started', data: { call_id: id, agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: ctx.channel, mode: ctx.mode } });
      return this.persist(tx, id, 1, 'active', ctx, r, null, { began, dbMs: dbRead, wrote, turn: 0, status, cause: 'start' }, {});
    });
    escalationHub(this.deps).publish(scope.orgId, escalations ?? []);
    const reply = this.reply(id, status, r);
    this.bus.publish({ orgId: scope.orgId, sessionId: id, channel: ctx.channel, channelId: input.channel_id ?? null, mode: ctx.mode, cause: 'start', reply, outputs: r.outputs, turn: 0 });
    return reply;
  }

  /**
   * A phone call's row, before anyone answered (inside the caller's org transaction: the answer webhook's,
   * or POST /calls'): the context is loaded and frozen now, the engine starts at `begin`.
   */
  async prepare(tx: Tx, input: StartSessionInput & { channel: 'voice' }): Promise<{ id: string; context: SessionContext }> {
    const ctx = deepFreeze(await loadSessionContext(tx, { agent_id: input.agent_id, flow_id: input.flow_id, channel: 'voice', mode: input.mode ?? 'live' }));
    const id = randomUUID();
    const at = new Date();
    const state = notStartedState(input.variables ?? {}, at);
    await createCall(tx, {
      id, agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: 'voice', channel_id: input.channel_id ?? null, mode: ctx.mode,
      direction: input.direction ?? 'inbound', from_number: input.from_number ?? null, to_number: input.to_number ?? null,
      state, context: ctx as unknown as Record<string, unknown>, variables: input.variables ?? {}, started_at: at,
      campaign_id: input.campaign_id ?? null, provider_call_id: input.provider_call_id ?? null,
    });
    await emitEvent(tx, { type: 'call.started', data: { call_id: id, agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: 'voice', mode: ctx.mode } });
    return { id, context: ctx };
  }

  /**
   * `prepare` for many phone calls of one target at once (the campaign dialer's batch): the context is
   * loaded and frozen once for all of them, the rows and their call.started events written with a few
   * statements whatever the count. Returns the call ids in the order of `calls`.
   */
  async prepareMany(
    tx: Tx,
    input: Omit<StartSessionInput, 'variables' | 'to_number' | 'provider_call_id'> & { channel: 'voice' },
    calls: ReadonlyArray<{ to_number: string; variables: Record<string, unknown> }>,
  ): Promise<string[]> {
    if (calls.length === 0) return [];
    const ctx = await loadSessionContext(tx, { agent_id: input.agent_id, flow_id: input.flow_id, channel: 'voice', mode: input.mode ?? 'live' });
    const at = new Date();
    const rows = calls.map((c) => ({ id: randomUUID(), to_number: c.to_number, variables: c.variables, state: notStartedState(c.variables, at) }));
    await createCalls(tx, {
      agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: 'voice', channel_id: input.channel_id ?? null, mode: ctx.mode,
      direction: input.direction ?? 'inbound', from_number: input.from_number ?? null, context: ctx as unknown as Record<string, unknown>, started_at: at,
      campaign_id: input.campaign_id ?? null,
    }, rows);
    await emitEvents(tx, rows.map((r) => ({ type: 'call.started' as const, data: { call_id: r.id, agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: 'voice', mode: ctx.mode } })));
    return rows.map((r) => r.id);
  }

  /**
   * Starts the conversation of a prepared call (its media stream connected): the greeting or the flow's
   * first nodes, written as turn 0. 409 when it already began or ended.
   */
  begin(scope: OrgScope, id: string, sink: SessionSink = {}, opts: TurnOptions = {}): Promise<SessionReply & { context: SessionContext }> {
    return serialized(key(scope.orgId, id), async () => {
      const began = performance.now();
      const call = await withOrg(this.deps.db, scope, (tx) => readCallState(tx, id));
      if (!call) throw errors.notFound('session');
      if (!isNotStarted(call.state) || call.status !== 'active') throw errors.conflict('The call has already begun or ended');
      const dbRead = performance.now() - began;
      const ctx = deepFreeze(call.context as unknown as SessionContext);
      const variables = (call.state as { variables?: Record<string, unknown> }).variables ?? {};
      const r = await this.run(ctx, [], (engineCtx) => this.opts.engine.start(engineCtx, { variables, at: Date.now() }), sink);
      const status = statusOf(r.state);
      const wrote = performance.now();
      const saved = await withOrg(this.deps.db, scope, (tx) => this.persist(tx, id, call.version, 'active', ctx, r, null, { began, dbMs: dbRead, wrote, turn: 0, status, cause: 'start' }, opts));
      if (!saved) throw errors.conflict('The call has already begun or ended');
      escalationHub(this.deps).publish(scope.orgId, saved);
      const reply = this.reply(id, status, r);
      this.bus.publish({ orgId: scope.orgId, sessionId: id, channel: ctx.channel, channelId: call.channel_id, mode: ctx.mode, cause: 'start', reply, outputs: r.outputs, turn: 0 });
      return { ...reply, context: ctx };
    });
  }

  /**
   * Ends a phone call that was never answered (no answer, busy, failed, a machine): inside the caller's
   * transaction (the status callback's recording one). False when it had begun or ended already.
   */
  async endUnanswered(tx: Tx, id: string, reason: UnansweredReason): Promise<boolean> {
    const call = await readCallState(tx, id);
    if (!call || !isNotStarted(call.state) || call.status !== 'active') return false;
    const state = { ...call.state, status: 'ended', ended_reason: reason };
    const row = await writeTurn(tx, id, call.version, {
      state, variables: call.variables, status: 'ended', turns: 0, actions: [], outcome: reason, ended_reason: reason, ended_at: new Date(),
    }, { turn: 0, messages: [], tool_calls: [], hits: [], latency: null });
    if (!row) return false;
    const ctx = call.context as unknown as SessionContext;
    await emitEvent(tx, { type: 'call.ended', data: { call_id: id, agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: ctx.channel, mode: ctx.mode, outcome: reason, ended_reason: reason, turns: 0 } });
    return true;
  }

  /** One caller event (text, DTMF, …). 404 for a session not in the org; 409 once it has ended. */
  send(scope: OrgScope, id: string, event: CallerEvent, sink: SessionSink = {}, opts: TurnOptions = {}): Promise<SessionReply> {
    return serialized(key(scope.orgId, id), () => this.apply(scope, id, event, sink, false, opts));
  }

  /**
   * Ends the session as a hang-up (or, for SMS/WhatsApp threads, an idle timeout or an opt-out); ending
   * an ended session returns it as it is.
   */
  end(scope: OrgScope, id: string, sink: SessionSink = {}, reason?: 'idle_timeout' | 'opted_out'): Promise<SessionReply> {
    return serialized(key(scope.orgId, id), () => this.apply(scope, id, { type: 'hangup', ...(reason ? { reason } : {}) }, sink, true, {}));
  }

  private async apply(scope: OrgScope, id: string, event: CallerEvent, sink: SessionSink, idempotentEnd: boolean, opts: TurnOptions): Promise<SessionReply> {
    for (let attempt = 1; attempt <= STALE_RETRIES; attempt++) {
      const began = performance.now();
      const loaded = await withOrg(this.deps.db, scope, (tx) => readCallForTurn(tx, id, { historyLimit: this.historyLimit, live: true }));
      if (!loaded) throw errors.notFound('session');
      const dbRead = performance.now() - began;
      const { call } = loaded;
      const state = call.state as unknown as EngineState;
      // A handed-off session is ended for the agent but open for the caller and a person (the engine's
      // afterHandoff): the caller's messages are recorded for the person, who may release or close it.
      if (state.status === 'ended' && state.ended_reason !== 'handed_off') {
        if (idempotentEnd) return { id, status: call.status, messages: [], variables: call.variables, ended_reason: call.ended_reason, awaiting: null };
        throw errors.conflict('The session has ended');
      }
      if (isNotStarted(call.state)) {
        // A phone call nobody answered yet: only a hang-up means something (it ends it).
        if (event.type !== 'hangup') throw errors.conflict('The call has not been answered yet');
        const ended = await withOrg(this.deps.db, scope, (tx) => this.endUnanswered(tx, id, 'no_answer'));
        if (ended) return { id, status: 'ended', messages: [], variables: call.variables, ended_reason: 'no_answer', awaiting: null };
        continue;
      }
      const ctx = deepFreeze(call.context as unknown as SessionContext);
      // The caller's words are part of the history an agent sees, also when a flow node hands over to
      // an agent in this same turn (which then opens with input null).
      const caller = callerEntry(event);
      const history = [...toHistory(loaded.history), ...(caller?.role === 'caller' ? [{ role: 'caller' as const, text: caller.text }] : [])];
      const r = await this.run(ctx, history, (engineCtx) => this.opts.engine.step(state, { ...event, at: Date.now() }, engineCtx), sink);
      const status = statusOf(r.state);
      const wrote = performance.now();
      const saved = await withOrg(this.deps.db, scope, (tx) =>
        this.persist(tx, id, call.version, call.status, ctx, r, caller, { began, dbMs: dbRead, wrote, turn: call.version - 1, status, cause: event.type }, opts),
      );
      if (saved) {
        escalationHub(this.deps).publish(scope.orgId, saved);
        const reply = this.reply(id, status, r);
        this.bus.publish({ orgId: scope.orgId, sessionId: id, channel: ctx.channel, channelId: call.channel_id, mode: ctx.mode, cause: event.type, reply, outputs: r.outputs, turn: call.version - 1 });
        return reply;
      }
      this.deps.log.info({ call: id, org: scope.orgId, attempt }, 'session advanced elsewhere; retrying from the stored state');
    }
    throw errors.conflict('The session is busy; try again');
  }

  /**
   * The turn's single write, with the escalation it opens or closes. Null when another writer advanced
   * the call first (nothing written); else the escalation events to publish once it committed.
   */
  private async persist(
    tx: Tx, id: string, version: number, before: CallStatus, ctx: SessionContext, r: DriveResult, caller: TranscriptEntry | null,
    // `turn` numbers the session's events (0 = the start): every successful write bumps the version once,
    // so version - 1 is unique per event. The call's `turns` are the engine's caller turns.
    t: { began: number; dbMs: number; wrote: number; turn: number; status: CallStatus; cause: string },
    opts: TurnOptions,
  ): Promise<EscalationEvent[] | null> {
    const ended = t.status === 'ended';
    const actions = r.outputs
      .filter((o) => o.type === 'transfer' || o.type === 'handoff' || o.type === 'send_message' || o.type === 'schedule_callback')
      .map((o) => ({ ...o, at: new Date().toISOString(), ...deliveryOf(o, ctx) }));
        const outcome = ended || t.status === 'escalated' ? outcomeOf(r.state, t.status, before) : null;
    const messages = [...(caller ? [caller] : []), ...r.transcript];
    const row = await writeTurn(
      tx, id, version,
      {
        state: r.state, variables: r.state.variables, status: t.status, turns: r.state.turns, actions, outcome,
        ended_reason: r.state.ended_reason, ended_at: ended ? new Date() : null,
      },
      {
        turn: t.turn,
        messages,
        tool_calls: r.tool_calls,
        hits: r.hits,
        latency: {
          engine_ms: round(r.engine_ms), db_ms: round(t.dbMs + (performance.now() - t.wrote)), model_ttft_ms: r.model_ttft_ms === null ? null : round(r.model_ttft_ms),
          tool_ms: r.tool_ms, total_ms: round(performance.now() - t.began), at: new Date(),
        },
      },
    );
    if (!row) return null;
    await opts.inTurn?.(tx, { status: t.status, turn: t.turn });
    const handoff = r.outputs.find((o): o is Extract<Output, { type: 'handoff' }> => o.type === 'handoff') ?? null;
    // Only turns that hand off, or happen in an escalated session, touch the queue (no extra query otherwise).
    const escalations = handoff !== null || before === 'escalated' || t.status === 'escalated'
      ? await recordEscalationTurn(tx, { call_id: id, turn: t.turn, cause: t.cause, handoff, escalated: t.status === 'escalated', messages })
      : [];
    // Once per call, when it is over: an escalated call is not over until the person closes it or the caller leaves.
    if (ended && before !== 'ended') {
      await emitEvent(tx, {
        type: 'call.ended',
        data: { call_id: id, agent_id: ctx.agent_id, flow_id: ctx.flow?.id ?? null, channel: ctx.channel, mode: ctx.mode, outcome: row.outcome, ended_reason: row.ended_reason, turns: row.turns },
      });
    }
    return escalations;
  }

  private reply(id: string, status: CallStatus, r: DriveResult): SessionReply {
    const ended = r.state.status === 'ended';
    return { id, status, messages: messagesOf(r.outputs), variables: r.state.variables, ended_reason: r.state.ended_reason, awaiting: awaitingOf(r.outputs, ended) };
  }

  /** The session as its org sees it (GET /sessions/{id}). */
  async get(scope: OrgScope, id: string) {
    return withOrg(this.deps.db, scope, async (tx) => {
      const loaded = await readCallForTurn(tx, id, { historyLimit: 1000 });
      if (!loaded) throw errors.notFound('session');
      return { call: loaded.call, transcript: loaded.history };
    });
  }
}

/**
 * Text sessions and test mode never make the provider request: the action is recorded only. On a live
 * SMS/WhatsApp thread the messaging transport (../messaging/) sends `send_message` actions after the
 * turn is stored; their delivery status is on the call's `messages[]`.
 */
function deliveryOf(o: Output, ctx: SessionContext): Record<string, unknown> {
  if (ctx.mode === 'live' && o.type === 'send_message' && (ctx.channel === 'sms' || ctx.channel === 'whatsapp')) return { queued: true };
  return { delivered: false, why_not: ctx.mode === 'test' ? 'test mode' : `${ctx.channel} session` };
}

/**
 * A flow may set its own business outcome in an `outcome` variable (e.g. "booked"); else how it ended,
 * where a call that ends while escalated (closed by the person, or the caller left) stays `escalated`.
 */
function outcomeOf(state: EngineState, status: CallStatus, before: CallStatus): string {
  const own = state.variables.outcome;
  if (typeof own === 'string' && own.trim()) return own.trim().slice(0, 200);
  return status === 'escalated' || before === 'escalated' ? 'escalated' : (state.ended_reason ?? 'completed');
}

const round = (ms: number) => Math.round(ms * 100) / 100;
