import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_LIMITS } from '../types.js';
import { agent, AGENT_ID, awaited, ended, makeCtx, ofType, says, Session } from '../../../test/helpers/engine.js';

const agentCtx = (over: Parameters<typeof makeCtx>[0] = {}) => makeCtx({ agent_id: AGENT_ID, ...over });
const reply = (text: string, actions: unknown[] = []) => ({ type: 'agent_turn_result', text, actions });

describe('agent-only sessions', () => {
  it('greets without a model call, then runs one agent turn per caller text', () => {
    const s = new Session(agentCtx());
    expect(s.last.outputs).toEqual([
      { type: 'say', text: 'Hi, how can I help?', interruptible: true, source: 'agent', agent_id: AGENT_ID },
      { type: 'await_input', kind: 'text', grammar: { kind: 'free' } },
    ]);
    expect(s.last.effects).toEqual([]);
    const r = s.text('What are your hours?');
    expect(r.effects).toEqual([{ type: 'run_agent_turn', id: 'fx1', agent_id: AGENT_ID, input: 'What are your hours?' }]);
    expect(r.outputs).toEqual([]);
    expect(s.state).toMatchObject({ status: 'waiting_effect', pending_effect: r.effects[0], turns: 1 });
    const done = s.effect(reply('We are open 9 to 5.'));
    expect(says(done)).toEqual(['We are open 9 to 5.']);
    expect(awaited(done)?.grammar).toEqual({ kind: 'free' });
    expect(s.text('thanks').effects[0]?.id).toBe('fx2');
  });

  it('skips an empty greeting', () => {
    const s = new Session(makeCtx({ agent_id: 'agent-2' }));
    expect(s.last.outputs).toEqual([{ type: 'await_input', kind: 'text', grammar: { kind: 'free' } }]);
  });

  it('ignores caller events while the turn runs and results for other effect ids', () => {
    const s = new Session(agentCtx());
    s.text('hello');
    const pending = s.state;
    for (const ev of [{ type: 'text', text: 'hello?' }, { type: 'agent_turn_result', effect_id: 'fx9', text: 'x', actions: [] }, { type: 'tool_result', effect_id: 'fx1', ok: true, value: 1 }]) {
      const r = s.send(ev);
      expect(r).toEqual({ state: pending, outputs: [], effects: [] });
    }
  });

  it('end_call ends completed; handoff and transfer emit their output and end', () => {
    const a = new Session(agentCtx());
    a.text('bye');
    const r = a.effect(reply('Goodbye!', [{ type: 'end_call', reason: 'caller said bye' }]));
    expect(says(r)).toEqual(['Goodbye!']);
    expect(ofType(r, 'end')).toEqual([{ type: 'end', reason: 'completed', detail: 'caller said bye' }]);

    const h = new Session(agentCtx());
    h.text('a person please');
    const hr = h.effect(reply('Connecting you.', [{ type: 'human_handoff', queue: 'support', reason: 'asked for a person' }, { type: 'end_call' }]));
    expect(ofType(hr, 'handoff')).toEqual([{ type: 'handoff', queue: 'support', reason: 'asked for a person' }]);
    expect(ended(hr)).toBe('handed_off');

    const t = new Session(agentCtx());
    t.text('sales');
    const tr = t.effect(reply('', [{ type: 'transfer_call', phone_number: '+14155552671' }]));
    expect(says(tr)).toEqual([]);
    expect(ofType(tr, 'transfer')).toEqual([{ type: 'transfer', phone_number: '+14155552671' }]);
    expect(ended(tr)).toBe('transferred');
  });

  it('send_message and schedule_callback are outputs and the conversation continues', () => {
    const s = new Session(agentCtx({ channel: 'whatsapp' }));
    s.text('send me the link and call me tomorrow');
    const r = s.effect(reply('Done.', [
      { type: 'send_message', text: 'https://example.com' },
      { type: 'schedule_callback', at: '2026-12-03T09:00:00Z', note: 'wants a call' },
      { type: 'send_message', text: 'hi', to: '+447911123456', channel: 'sms' },
    ]));
    expect(r.outputs.filter((o) => o.type !== 'say' && o.type !== 'await_input')).toEqual([
      { type: 'send_message', channel: 'whatsapp', to: '+14155552671', text: 'https://example.com' },
      { type: 'schedule_callback', phone: '+14155552671', at: '2026-12-03T09:00:00Z', note: 'wants a call' },
      { type: 'send_message', channel: 'sms', to: '+447911123456', text: 'hi' },
    ]);
    expect(s.state.status).toBe('waiting_input');
  });

  it("the agent's max_turns ends the session after that many answered caller turns", () => {
    const ctx = agentCtx({ agents: new Map([[AGENT_ID, agent({ max_turns: 2 })]]) });
    const s = new Session(ctx);
    s.text('one');
    expect(ended(s.effect(reply('1')))).toBeUndefined();
    s.text('two');
    const r = s.effect(reply('2'));
    expect(says(r)).toEqual(['2']);
    expect(ended(r)).toBe('max_turns');
  });

  it('a failed turn says its fallback line and keeps listening', () => {
    const s = new Session(agentCtx());
    s.text('hello');
    const r = s.effect({ ...reply('Sorry, I had a problem. Please try again.'), failed: true });
    expect(says(r)).toEqual(['Sorry, I had a problem. Please try again.']);
    expect(s.state.status).toBe('waiting_input');
  });

  it('an unknown agent ends the session with error instead of throwing', () => {
    const s = new Session(makeCtx({ agent_id: 'nope' }));
    expect(s.last.outputs).toEqual([{ type: 'end', reason: 'error', detail: 'the session has neither a flow nor a known agent' }]);
  });

  it('session limits: max_turns and max_duration', () => {
    const s = new Session(agentCtx({ limits: { ...DEFAULT_ENGINE_LIMITS, max_turns: 1 } }));
    s.text('one');
    s.effect(reply('ok'));
    expect(s.text('two').outputs).toEqual([{ type: 'end', reason: 'max_turns' }]);

    const d = new Session(agentCtx({ limits: { ...DEFAULT_ENGINE_LIMITS, max_duration_ms: 60_000 } }));
    expect(d.send({ type: 'text', text: 'early' }, 59_000).effects).toHaveLength(1);
    const late = d.send({ type: 'agent_turn_result', effect_id: 'fx1', text: 'late', actions: [] }, 1000);
    expect(late.outputs).toEqual([{ type: 'end', reason: 'max_duration' }]);
    expect(late.state).toMatchObject({ status: 'ended', pending_effect: null, ended_reason: 'max_duration' });
  });
});
