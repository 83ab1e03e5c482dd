import { describe, expect, it } from 'vitest';
import { AGENT_ID, awaited, buildFlow, ended, makeCtx, ofType, says, Session } from '../../../test/helpers/engine.js';

const reply = (text: string, actions: unknown[] = []) => ({ type: 'agent_turn_result', text, actions });
const handoff = { type: 'human_handoff', queue: 'billing', reason: 'asked for a person' };

/** An agent-only session handed off by its agent after one caller turn. */
function handedOffAgentSession(): Session {
  const s = new Session(makeCtx({ agent_id: AGENT_ID }));
  s.text('a person please');
  s.effect(reply('Connecting you.', [handoff]));
  expect(s.state).toMatchObject({ status: 'ended', ended_reason: 'handed_off' });
  return s;
}

describe('after a handoff (escalations)', () => {
  it("the person's messages reach the caller with source human; the caller's text changes nothing", () => {
    const s = handedOffAgentSession();
    const ended = s.state;
    expect(s.send({ type: 'human_message', text: 'Hi, Dana here.' })).toEqual({
      state: ended,
      outputs: [{ type: 'say', text: 'Hi, Dana here.', interruptible: false, source: 'human' }],
      effects: [],
    });
    expect(s.text('hello Dana')).toEqual({ state: ended, outputs: [], effects: [] });
    expect(s.send({ type: 'human_message', text: '   ' }).outputs).toEqual([]);
  });

  it('a release gives the conversation back to the agent that handed off: the next caller text is an agent turn', () => {
    const s = handedOffAgentSession();
    const r = s.send({ type: 'release' });
    expect(r.outputs).toEqual([{ type: 'await_input', kind: 'text', grammar: { kind: 'free' } }]);
    expect(r.effects).toEqual([]);
    expect(s.state).toMatchObject({ status: 'waiting_input', ended_reason: null, agent: { agent_id: AGENT_ID, node_id: null, turns: 1 }, handed_off_from: null });
    const turn = s.text('thanks, one more question');
    expect(turn.effects).toEqual([{ type: 'run_agent_turn', id: 'fx2', agent_id: AGENT_ID, input: 'thanks, one more question' }]);
    expect(says(s.effect(reply('Sure, ask away.')))).toEqual(['Sure, ask away.']);
    expect(s.state.turns).toBe(2);
  });

  it("a flow agent node's agent comes back at its node with its context, and the flow continues after it", () => {
    const flow = buildFlow({
      nodes: [
        { id: 'start', type: 'entry' },
        { id: 'bot', type: 'agent', data: { agent_id: AGENT_ID, context: 'Be brief.' } },
        { id: 'after', type: 'end_call', data: { message: 'Back in the flow.' } },
      ],
      chain: ['start', 'bot', 'after'],
    });
    const s = new Session(makeCtx({ flow }));
    s.effect(reply('Hi!'));
    s.text('a human please');
    s.effect(reply('', [handoff]));
    expect(s.state.ended_reason).toBe('handed_off');
    expect(awaited(s.send({ type: 'release' }))).toEqual({ type: 'await_input', kind: 'text', grammar: { kind: 'free' }, node_id: 'bot' });
    expect(s.text('ok').effects).toEqual([{ type: 'run_agent_turn', id: 'fx3', agent_id: AGENT_ID, input: 'ok', context: 'Be brief.', node_id: 'bot' }]);
    const r = s.effect(reply('Done.', [{ type: 'end_call' }]));
    expect(says(r)).toEqual(['Done.', 'Back in the flow.']);
    expect(ended(r)).toBe('completed');
  });

  it("a flow's human_handoff node goes back to the session's own agent; without one a release changes nothing", () => {
    const flow = buildFlow({ nodes: [{ id: 'start', type: 'entry' }, { id: 'h', type: 'human_handoff', data: { queue: 'support' } }], chain: ['start', 'h'] });
    const withAgent = new Session(makeCtx({ flow, agent_id: AGENT_ID }));
    expect(withAgent.state.ended_reason).toBe('handed_off');
    withAgent.send({ type: 'release' });
    expect(withAgent.state).toMatchObject({ status: 'waiting_input', agent: { agent_id: AGENT_ID, node_id: null, turns: 0 } });
    expect(withAgent.text('hi').effects[0]).toMatchObject({ type: 'run_agent_turn', agent_id: AGENT_ID, input: 'hi' });

    const alone = new Session(makeCtx({ flow }));
    const before = alone.state;
    expect(alone.send({ type: 'release' })).toEqual({ state: before, outputs: [], effects: [] });
  });

  it('close ends closed_by_support; a hang-up ends caller_hangup; after either, nothing passes', () => {
    const closed = handedOffAgentSession();
    const c = closed.send({ type: 'close' });
    expect(c.outputs).toEqual([{ type: 'end', reason: 'closed_by_support' }]);
    expect(closed.state).toMatchObject({ status: 'ended', ended_reason: 'closed_by_support' });
    for (const ev of [{ type: 'human_message', text: 'hello?' }, { type: 'release' }, { type: 'close' }, { type: 'hangup' }]) {
      expect(closed.send(ev)).toEqual({ state: closed.state, outputs: [], effects: [] });
    }
    const hung = handedOffAgentSession();
    expect(ofType(hung.send({ type: 'hangup' }), 'end')).toEqual([{ type: 'end', reason: 'caller_hangup' }]);
    expect(hung.send({ type: 'release' }).outputs).toEqual([]);
  });

  it('release and close mean nothing to a session that was not handed off, except that close ends a live one', () => {
    const live = new Session(makeCtx({ agent_id: AGENT_ID }));
    const waiting = live.state;
    expect(live.send({ type: 'release' })).toEqual({ state: waiting, outputs: [], effects: [] });
    expect(ended(live.send({ type: 'close' }))).toBe('closed_by_support');
    const done = new Session(makeCtx({ agent_id: AGENT_ID }));
    done.text('bye');
    done.effect(reply('Bye', [{ type: 'end_call' }]));
    expect(done.send({ type: 'release' }).outputs).toEqual([]);
  });

  it('a state stored before releases existed (no handed_off_from) still goes back to the session agent', () => {
    const s = handedOffAgentSession();
    const { handed_off_from: _dropped, ...old } = s.state as Record<string, unknown>;
    s.state = old as typeof s.state;
    s.send({ type: 'release' });
    expect(s.state).toMatchObject({ status: 'waiting_input', agent: { agent_id: AGENT_ID, turns: 0 } });
  });
});
