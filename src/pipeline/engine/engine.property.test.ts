import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowBody } from '../../features/flows/flow-schema.js';
import { validateFlow } from '../../features/flows/validate-flow.js';
import { DEFAULT_ENGINE_LIMITS, type EngineContext, type EngineEvent, type SessionChannel, type StepResult } from '../types.js';
import { AGENT_ID, makeCtx, T0, TOOL_ID } from '../../../test/helpers/engine.js';
import { startEngine, stepEngine } from './index.js';

type Node = { id: string; type: string; data: Record<string, unknown> };
type Edge = { id: string; source: string; target: string };

/** A middle node: its data, and the extra (named) exits it needs besides or instead of a next edge. */
type Shape = { type: string; data: (i: number, exit: (name: string) => string) => Record<string, unknown>; branching?: boolean };

const TEXT = 'Hi {{caller_number}} ({{campaign}})';
const shapes: Shape[] = [
  { type: 'speak', data: () => ({ text: TEXT }) },
  { type: 'listen', data: (i) => ({ variable: `heard${i}` }) },
  { type: 'listen', data: (_i, exit) => ({ no_input_edge_id: exit('quiet'), timeout_ms: 3000 }) },
  ...['digits', 'number', 'email', 'phone', 'date', 'yes_no', 'free_text'].map((validation) => ({
    type: 'collect',
    data: (i: number, exit: (n: string) => string) => ({ variable: `v${i}`, prompt: TEXT, validation, max_attempts: 2, ...(i % 2 ? { failure_edge_id: exit('fail') } : {}) }),
  })),
  { type: 'collect', data: (i) => ({ variable: `v${i}`, prompt: 'Code?', validation: 'regex', pattern: '^[A-Z]\\d$', retry_prompt: 'Again' }) },
  {
    type: 'dtmf_menu',
    branching: true,
    data: (i, exit) => ({ prompt: 'Press', options: [{ digit: '1', edge_id: exit('k1') }, { digit: '#', edge_id: exit('k2') }], max_attempts: 2, ...(i % 2 ? { no_input_edge_id: exit('none') } : {}) }),
  },
  {
    type: 'condition',
    branching: true,
    data: (_i, exit) => ({
      branches: [
        { when: { variable: 'campaign', op: 'eq', value: 'spring' }, edge_id: exit('b1') },
        { when: { op: 'within_hours', timezone: 'Europe/Paris', days: [1, 2, 3], start: '09:00', end: '17:00' }, edge_id: exit('b2') },
        { when: { variable: 'last_utterance', op: 'matches', value: '^\\d+$' }, edge_id: exit('b3') },
      ],
      default_edge_id: exit('def'),
    }),
  },
  {
    type: 'ai_classify',
    branching: true,
    data: (i, exit) => ({
      ...(i % 2 ? { prompt: 'Why are you calling?' } : {}),
      variable: `c${i}`,
      classes: [{ label: 'Billing', examples: ['invoice'], edge_id: exit('billing') }, { label: 'Sales', edge_id: exit('sales') }],
      default_edge_id: exit('other'),
    }),
  },
  { type: 'api_call', data: (i, exit) => ({ tool_id: TOOL_ID, arguments: { q: TEXT, n: [1, '{{channel}}'] }, result_variable: `r${i}`, response_mapping: { [`m${i}`]: 'a.b' }, ...(i % 2 ? { error_edge_id: exit('err') } : {}) }) },
  { type: 'agent', data: (i) => ({ agent_id: AGENT_ID, ...(i % 2 ? { max_turns: 2 } : {}), context: TEXT }) },
  { type: 'schedule_callback', data: (i) => (i % 2 ? { delay_minutes: 30, message: 'Booked' } : { time_variable: 'campaign', note: TEXT }) },
  { type: 'send_message', data: () => ({ text: TEXT }) },
];
const terminals: Array<Omit<Node, 'id'>> = [
  { type: 'end_call', data: { message: 'Bye' } },
  { type: 'transfer', data: { queue: 'sales', message: 'Transferring' } },
  { type: 'human_handoff', data: { queue: 'support' } },
  { type: 'agent', data: { agent_id: AGENT_ID } },
];

/**
 * A random graph: a backbone of middle nodes (each node's next edge goes to the following one), then
 * terminal nodes; every named exit goes to a random node, backwards too (loops). Only graphs that
 * pass `validateFlow` are kept, so loops without input and the like are filtered out.
 */
const flowArb = fc
  .tuple(
    fc.array(fc.nat(shapes.length - 1), { minLength: 1, maxLength: 10 }),
    fc.array(fc.nat(terminals.length - 1), { minLength: 1, maxLength: 3 }),
    fc.infiniteStream(fc.nat()),
  )
  .map(([middle, ends, picks]) => {
    const n = 1 + middle.length + ends.length;
    const nodes: Node[] = [{ id: 'n0', type: 'entry', data: {} }];
    const edges: Edge[] = [];
    const pick = (): number => picks.next().value as number;
    const link = (source: number, target: number): string => {
      const id = `e${edges.length}`;
      edges.push({ id, source: `n${source}`, target: `n${target}` });
      return id;
    };
    link(0, 1);
    middle.forEach((s, k) => {
      const i = k + 1;
      const shape = shapes[s]!;
      const data = shape.data(i, () => link(i, 1 + (pick() % (n - 1))));
      nodes.push({ id: `n${i}`, type: shape.type, data });
      if (!shape.branching) link(i, i + 1);
    });
    ends.forEach((t, k) => nodes.push({ id: `n${1 + middle.length + k}`, ...terminals[t]! }));
    return { name: 'random', nodes, edges, variables: [{ name: 'campaign', default: 'spring' }] };
  })
  .filter((f) => validateFlow(f, { toolIds: new Set([TOOL_ID]), agentIds: new Set([AGENT_ID]) }).ok)
  .map((f) => {
    const parsed = FlowBody.parse(f);
    return { id: 'f', nodes: parsed.nodes, edges: parsed.edges, variables: parsed.variables ?? [] };
  });

const callerEvent = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('1', '2', '#', 'yes', 'no', 'hello', 'ann@example.com', '+14155552671', 'tomorrow', '42', 'invoice please', 'A1', '').map((text) => ({ type: 'text', text })) },
  { weight: 2, arbitrary: fc.constantFrom('1', '2', '#', '9', '12').map((digits) => ({ type: 'dtmf', digits })) },
  { weight: 2, arbitrary: fc.constantFrom('yes', 'sales', 'two').map((text) => ({ type: 'speech_final', text, confidence: 0.9 })) },
  { weight: 2, arbitrary: fc.constant({ type: 'silence', ms: 5000 }) },
  { weight: 1, arbitrary: fc.constantFrom({ type: 'speech_partial', text: 'he' }, { type: 'timer', name: 't' }, { type: 'human_message', text: 'Hi' }, { type: 'started' }) },
  { weight: 1, arbitrary: fc.constant({ type: 'hangup' }) },
  // A support agent's side of an escalation: giving the session back to the agent, or closing it.
  { weight: 1, arbitrary: fc.constantFrom({ type: 'release' }, { type: 'close' }) },
);
const agentActions = fc.array(
  fc.constantFrom(
    { type: 'end_call' },
    { type: 'human_handoff', queue: 'q' },
    { type: 'transfer_call', phone_number: '+14155552671' },
    { type: 'send_message', text: 'link' },
    { type: 'schedule_callback', at: '2026-12-03T10:00:00Z' },
  ),
  { maxLength: 2 },
);
/** A result for the pending effect (any kind, sometimes the wrong one), or one with a stale id. */
const effectResult = fc.tuple(fc.boolean(), fc.nat(3), fc.boolean(), agentActions, fc.constantFrom('Billing', 'sales', 'x', null)).map(([stale, kind, ok, actions, label]) => ({ stale, kind, ok, actions, label }));

const STATUSES = new Set(['waiting_input', 'waiting_effect', 'ended']);

function checkStep(result: StepResult, ctx: EngineContext): void {
  const { state, outputs, effects } = result;
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  expect(STATUSES.has(state.status)).toBe(true);
  expect(effects.length).toBeLessThanOrEqual(1);
  expect(state.ended_reason === 'error' || state.ended_reason === 'node_limit').toBe(false);
  if (state.status === 'waiting_effect') expect(state.pending_effect).not.toBeNull();
  else expect(state.pending_effect).toBeNull();
  if (effects.length === 1) expect(effects[0]).toEqual(state.pending_effect);
  const changedPlace = effects.length > 0 || outputs.some((o) => o.type === 'await_input' || o.type === 'end');
  if (changedPlace && state.status === 'waiting_input') expect(outputs.some((o) => o.type === 'await_input')).toBe(true);
  if (state.status === 'ended') expect(state.ended_reason).not.toBeNull();
  expect(state.turns).toBeLessThanOrEqual(ctx.limits.max_turns);
}

type Script = Array<[Record<string, unknown>, { stale: boolean; kind: number; ok: boolean; actions: unknown[]; label: string | null }]>;

/** Runs a script: each step sends the caller event, or, while an effect is pending, a result for it (sometimes stale or of the wrong kind). */
function drive(ctx: EngineContext, script: Script): void {
  let result = startEngine(ctx, { variables: { caller_number: '+14155552671' }, at: T0 });
  checkStep(result, ctx);
  let at = T0;
  for (const [caller, fx] of script) {
    at += 1000;
    const pending = result.state.pending_effect;
    let event: Record<string, unknown> = caller;
    if (pending !== null) {
      const effect_id = fx.stale ? 'fx999' : pending.id;
      const kinds = [
        fx.ok ? { type: 'tool_result', ok: true, value: { a: { b: 'x' } } } : { type: 'tool_result', ok: false, error: 'boom' },
        { type: 'agent_turn_result', text: 'ok', actions: fx.actions },
        { type: 'classify_result', label: fx.label },
      ];
      const matching = { run_tool: 0, run_agent_turn: 1, classify: 2 }[pending.type];
      event = { ...kinds[fx.kind === 3 ? (matching + 1) % 3 : matching]!, effect_id };
    }
    const ev = { ...event, at } as EngineEvent;
    const persisted = JSON.parse(JSON.stringify(result.state));
    const next = stepEngine(result.state, ev, ctx);
    expect(stepEngine(persisted, ev, ctx)).toEqual(next);
    checkStep(next, ctx);
    result = next;
  }
}

describe('engine properties', () => {
  it('any valid flow driven by random events ends or waits (for input or one effect) at every step, never throws, state stays JSON', () => {
    fc.assert(
      fc.property(
        flowArb,
        fc.constantFrom<SessionChannel>('text', 'voice', 'sms', 'whatsapp', 'web'),
        fc.boolean(),
        fc.array(fc.tuple(callerEvent, effectResult), { minLength: 1, maxLength: 30 }),
        (flow, channel, model, script) => {
          const ctx = makeCtx({ flow, channel, can_classify_with_model: model, agents: new Map([[AGENT_ID, { id: AGENT_ID, greeting: 'Hi', max_turns: 3 }]]), limits: { ...DEFAULT_ENGINE_LIMITS, max_turns: 20 } });
          drive(ctx, script);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agent-only sessions driven by random events and agent results behave the same way', () => {
    fc.assert(
      fc.property(fc.constantFrom('', 'Hello!'), fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }), fc.array(fc.tuple(callerEvent, effectResult), { minLength: 1, maxLength: 30 }), (greeting, maxTurns, script) => {
        const ctx = makeCtx({ agent_id: AGENT_ID, agents: new Map([[AGENT_ID, { id: AGENT_ID, greeting, max_turns: maxTurns }]]), limits: { ...DEFAULT_ENGINE_LIMITS, max_turns: 10 } });
        drive(ctx, script);
      }),
      { numRuns: 200 },
    );
  });
});
