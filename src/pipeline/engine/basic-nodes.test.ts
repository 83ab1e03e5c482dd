import { describe, expect, it } from 'vitest';
import { awaited, buildFlow, ended, makeCtx, ofType, says, Session } from '../../../test/helpers/engine.js';

describe('entry, speak, listen, end_call', () => {
  const flow = buildFlow({
    nodes: [
      { id: 'start', type: 'entry' },
      { id: 'hi', type: 'speak', data: { text: 'Hello {{ caller_number }} on {{channel}}, campaign {{campaign}}.' } },
      { id: 'ask', type: 'listen', data: { variable: 'reason', timeout_ms: 5000 } },
      { id: 'echo', type: 'speak', data: { text: 'You said: {{reason}} ({{last_utterance}})' } },
      { id: 'bye', type: 'end_call', data: { message: 'Bye {{missing_is_fine}}' } },
    ],
    chain: ['start', 'hi', 'ask', 'echo', 'bye'],
    variables: [{ name: 'campaign', default: 'inbound' }, { name: 'missing_is_fine' }],
  });

  it('runs to the listen, then stores the utterance and ends', () => {
    const s = new Session(makeCtx({ flow }));
    expect(says(s.last)).toEqual(['Hello +14155552671 on text, campaign inbound.']);
    expect(awaited(s.last)).toEqual({ type: 'await_input', kind: 'text', grammar: { kind: 'free' }, timeout_ms: 5000, node_id: 'ask' });
    expect(s.state.status).toBe('waiting_input');
    const r = s.text('  my invoice ');
    expect(says(r)).toEqual(['You said: my invoice (my invoice)', 'Bye']);
    expect(ended(r)).toBe('completed');
    expect(ofType(r, 'set_variables')).toEqual([{ type: 'set_variables', variables: { reason: 'my invoice' } }]);
    expect(s.state).toMatchObject({ status: 'ended', ended_reason: 'completed', turns: 1 });
  });

  it('passed variables win over defaults; now/channel cannot be overridden', () => {
    const s = new Session(makeCtx({ flow, channel: 'voice' }), { caller_number: '+441632960961', campaign: 'spring', channel: 'x', now: 'y' });
    expect(says(s.last)).toEqual(['Hello +441632960961 on voice, campaign spring.']);
    expect(awaited(s.last)?.kind).toBe('speech');
    expect(s.state.variables).toEqual({ caller_number: '+441632960961', campaign: 'spring' });
  });

  it('silence continues with an empty value when there is no no_input edge', () => {
    const s = new Session(makeCtx({ flow }));
    const r = s.send({ type: 'silence', ms: 5000 });
    expect(says(r)).toEqual(['You said:  ()', 'Bye']);
    expect(s.state.variables.reason).toBe('');
    expect(s.state.variables.last_utterance).toBe('');
    expect(s.state.turns).toBe(0);
  });

  it('an empty final transcript is silence, not a turn', () => {
    const s = new Session(makeCtx({ flow, channel: 'voice' }));
    expect(says(s.send({ type: 'speech_final', text: '  ', confidence: 0 }))).toEqual(['You said:  ()', 'Bye']);
    expect(s.state.turns).toBe(0);
  });

  it('silence takes no_input_edge_id when set', () => {
    const f = buildFlow({
      nodes: [
        { id: 'start', type: 'entry' },
        { id: 'ask', type: 'listen', data: { no_input_edge_id: 'quiet' } },
        { id: 'ok', type: 'end_call', data: { message: 'heard {{last_utterance}}' } },
        { id: 'none', type: 'end_call', data: { message: 'nothing heard' } },
      ],
      chain: ['start', 'ask', 'ok'],
      edges: [['quiet', 'ask', 'none']],
    });
    expect(says(new Session(makeCtx({ flow: f })).send({ type: 'silence', ms: 1 }))).toEqual(['nothing heard']);
    expect(says(new Session(makeCtx({ flow: f })).text('hello'))).toEqual(['heard hello']);
  });

  it('a DTMF event at a listen is the utterance', () => {
    const s = new Session(makeCtx({ flow }));
    expect(says(s.send({ type: 'dtmf', digits: '42' }))[0]).toBe('You said: 42 (42)');
  });

  it('ignores events after the end, effect results while waiting for input, and partials', () => {
    const s = new Session(makeCtx({ flow }));
    const waiting = s.state;
    for (const ev of [{ type: 'speech_partial', text: 'my' }, { type: 'tool_result', effect_id: 'fx1', ok: true, value: 1 }, { type: 'timer', name: 'x' }]) {
      const r = s.send(ev);
      expect(r.outputs).toEqual([]);
      expect(r.state).toEqual(waiting);
    }
    s.text('x');
    const after = s.send({ type: 'text', text: 'again' });
    expect(after.outputs).toEqual([]);
    expect(after.state.ended_reason).toBe('completed');
  });

  it('hangup ends the session from any state', () => {
    const s = new Session(makeCtx({ flow }));
    const r = s.send({ type: 'hangup' });
    expect(r.outputs).toEqual([{ type: 'end', reason: 'caller_hangup' }]);
    expect(r.state).toMatchObject({ status: 'ended', ended_reason: 'caller_hangup', pending_effect: null });
  });

  it('a human_message is said with source human without changing where the flow waits', () => {
    const s = new Session(makeCtx({ flow }));
    const r = s.send({ type: 'human_message', text: 'Hi, this is Dana from support.' });
    expect(r.outputs).toEqual([{ type: 'say', text: 'Hi, this is Dana from support.', interruptible: false, source: 'human' }]);
    expect(r.state.status).toBe('waiting_input');
    expect(says(s.text('ok'))[0]).toBe('You said: ok (ok)');
  });
});

describe('resuming', () => {
  it('a state persisted as JSON continues identically with a context loaded again (another process)', () => {
    const spec = {
      nodes: [
        { id: 'start', type: 'entry' },
        { id: 'ask', type: 'collect', data: { variable: 'n', prompt: 'Number?', validation: 'number', max_attempts: 3 } },
        { id: 'bye', type: 'end_call', data: { message: 'n={{n}}' } },
      ],
      chain: ['start', 'ask', 'bye'],
    };
    const first = new Session(makeCtx({ flow: buildFlow(spec) }));
    first.text('lots');
    const saved = JSON.stringify(first.state);
    const resumedCtx = makeCtx({ flow: buildFlow(spec) });
    const input = { caller_number: '+14155552671' };
    const again = new Session(resumedCtx, input);
    again.state = JSON.parse(saved);
    again.at = first.at;
    expect(again.text('many')).toEqual(first.text('many'));
    expect(again.state).toMatchObject({ status: 'waiting_input', wait: { kind: 'collect', attempts: 2 } });
    expect(says(again.text('7'))).toEqual(['n=7']);
    expect(input).toEqual({ caller_number: '+14155552671' });
  });
});
