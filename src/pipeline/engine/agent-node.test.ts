import { describe, expect, it } from 'vitest';
import { agent, AGENT_ID, awaited, buildFlow, ended, makeCtx, ofType, says, Session } from '../../../test/helpers/engine.js';

const agentFlow = (data: Record<string, unknown>, withNext: boolean) =>
  buildFlow({
    nodes: [
      { id: 'start', type: 'entry' },
      { id: 'ask', type: 'collect', data: { variable: 'name', prompt: 'Name?', validation: 'free_text' } },
      { id: 'bot', type: 'agent', data: { agent_id: AGENT_ID, ...data } },
      ...(withNext ? [{ id: 'after', type: 'end_call', data: { message: 'Back in the flow, {{name}}.' } }] : []),
    ],
    chain: withNext ? ['start', 'ask', 'bot', 'after'] : ['start', 'ask', 'bot'],
  });
const reply = (text: string, actions: unknown[] = []) => ({ type: 'agent_turn_result', text, actions });

describe('agent node', () => {
  it('hands over with input null and the rendered context, then one turn per caller text', () => {
    const s = new Session(makeCtx({ flow: agentFlow({ context: 'Caller is {{name}}.' }, true) }));
    const r = s.text('Ann');
    expect(r.effects).toEqual([{ type: 'run_agent_turn', id: 'fx1', agent_id: AGENT_ID, input: null, context: 'Caller is Ann.', node_id: 'bot' }]);
    const greeted = s.effect(reply('Hi Ann!'));
    expect(greeted.outputs[0]).toEqual({ type: 'say', text: 'Hi Ann!', interruptible: true, source: 'agent', agent_id: AGENT_ID, node_id: 'bot' });
    expect(awaited(greeted)).toEqual({ type: 'await_input', kind: 'text', grammar: { kind: 'free' }, node_id: 'bot' });
    const turn = s.text('Can you help?');
    expect(turn.effects).toEqual([{ type: 'run_agent_turn', id: 'fx2', agent_id: AGENT_ID, input: 'Can you help?', context: 'Caller is Ann.', node_id: 'bot' }]);
  });

  it("end_call returns to the flow along the node's next edge", () => {
    const s = new Session(makeCtx({ flow: agentFlow({}, true) }));
    s.text('Ann');
    s.effect(reply(''));
    s.text("that's all");
    const r = s.effect(reply('Glad to help.', [{ type: 'end_call' }]));
    expect(says(r)).toEqual(['Glad to help.', 'Back in the flow, Ann.']);
    expect(ended(r)).toBe('completed');
  });

  it('without a next edge the agent owns the rest: end_call ends completed', () => {
    const s = new Session(makeCtx({ flow: agentFlow({}, false) }));
    s.text('Ann');
    const r = s.effect(reply('Bye.', [{ type: 'end_call', reason: 'done' }]));
    expect(ofType(r, 'end')).toEqual([{ type: 'end', reason: 'completed', detail: 'done' }]);
  });

  it('after max_turns caller turns it follows the next edge', () => {
    const s = new Session(makeCtx({ flow: agentFlow({ max_turns: 2 }, true) }));
    s.text('Ann');
    s.effect(reply('Hi'));
    s.text('one');
    expect(s.effect(reply('1')).outputs.map((o) => o.type)).toEqual(['say', 'await_input']);
    s.text('two');
    expect(says(s.effect(reply('2')))).toEqual(['2', 'Back in the flow, Ann.']);
  });

  it('max_turns without a next edge ends with max_turns; an owning agent uses its own max_turns', () => {
    const s = new Session(makeCtx({ flow: agentFlow({ max_turns: 1 }, false) }));
    s.text('Ann');
    s.effect(reply('Hi'));
    s.text('one');
    expect(ended(s.effect(reply('1')))).toBe('max_turns');

    const owned = new Session(makeCtx({ flow: agentFlow({}, false), agents: new Map([[AGENT_ID, agent({ max_turns: 1 })]]) }));
    owned.text('Ann');
    owned.effect(reply('Hi'));
    owned.text('one');
    expect(ended(owned.effect(reply('1')))).toBe('max_turns');
  });

  it('handoff and transfer actions carry the node id and end the session', () => {
    const s = new Session(makeCtx({ flow: agentFlow({}, true) }));
    s.text('Ann');
    const r = s.effect(reply('One moment.', [{ type: 'transfer_call', queue: 'billing' }]));
    expect(ofType(r, 'transfer')).toEqual([{ type: 'transfer', queue: 'billing', node_id: 'bot' }]);
    expect(ended(r)).toBe('transferred');
  });

  it('an agent missing from the context (deleted since) hands off instead of failing', () => {
    const s = new Session(makeCtx({ flow: agentFlow({}, true), agents: new Map() }));
    const r = s.text('Ann');
    expect(ofType(r, 'handoff')).toEqual([{ type: 'handoff', reason: 'The agent of this flow step is not available', node_id: 'bot' }]);
    expect(ofType(r, 'end')).toEqual([{ type: 'end', reason: 'handed_off', detail: 'agent_unavailable' }]);
  });

  it('silence while the agent listens changes nothing', () => {
    const s = new Session(makeCtx({ flow: agentFlow({}, true) }));
    s.text('Ann');
    s.effect(reply('Hi'));
    const before = s.state;
    const r = s.send({ type: 'silence', ms: 5000 });
    expect(r.outputs).toEqual([]);
    expect(r.state).toEqual(before);
  });
});
