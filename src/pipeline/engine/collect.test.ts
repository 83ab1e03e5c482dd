import { describe, expect, it } from 'vitest';
import { awaited, buildFlow, ended, makeCtx, says, Session } from '../../../test/helpers/engine.js';

const collectFlow = (data: Record<string, unknown>, withFailure = false) =>
  buildFlow({
    nodes: [
      { id: 'start', type: 'entry' },
      { id: 'ask', type: 'collect', data: { variable: 'answer', prompt: 'Your {{what}}?', ...data, ...(withFailure ? { failure_edge_id: 'failed' } : {}) } },
      { id: 'done', type: 'end_call', data: { message: 'Got [{{answer}}]' } },
      ...(withFailure ? [{ id: 'fail', type: 'end_call', data: { message: 'Giving up' } }] : []),
    ],
    chain: ['start', 'ask', 'done'],
    edges: withFailure ? [['failed', 'ask', 'fail']] : [],
    variables: [{ name: 'what', default: 'number' }],
  });

describe('collect', () => {
  it('asks, stores the normalized value and continues', () => {
    const s = new Session(makeCtx({ flow: collectFlow({ validation: 'phone' }) }));
    expect(says(s.last)).toEqual(['Your number?']);
    expect(awaited(s.last)).toMatchObject({ kind: 'text', grammar: { kind: 'phone' }, node_id: 'ask' });
    const r = s.text('(415) 555-2671');
    expect(says(r)).toEqual(['Got [+14155552671]']);
    expect(s.state.variables.answer).toBe('+14155552671');
  });

  it('retries with retry_prompt, then takes failure_edge_id after max_attempts', () => {
    const s = new Session(makeCtx({ flow: collectFlow({ validation: 'email', max_attempts: 2, retry_prompt: 'Please spell the email.' }, true) }));
    const r1 = s.text('not an email');
    expect(says(r1)).toEqual(['Please spell the email.']);
    expect(awaited(r1)?.grammar).toEqual({ kind: 'email' });
    const r2 = s.send({ type: 'silence', ms: 8000 });
    expect(says(r2)).toEqual(['Giving up']);
    expect(ended(r2)).toBe('completed');
    expect(s.state.variables.answer).toBeUndefined();
  });

  it('repeats the prompt without retry_prompt and continues with the variable unset (default 3 attempts)', () => {
    const s = new Session(makeCtx({ flow: collectFlow({ validation: 'number' }) }), { answer: 'stale' });
    expect(says(s.text('lots'))).toEqual(['Your number?']);
    expect(says(s.text('many'))).toEqual(['Your number?']);
    const r = s.text('heaps');
    expect(says(r)).toEqual(['Got []']);
    expect(s.state.variables).not.toHaveProperty('answer');
    expect(r.outputs).toContainEqual({ type: 'set_variables', variables: { answer: null } });
  });

  it('a valid answer after a bad one succeeds; numbers are stored as numbers', () => {
    const s = new Session(makeCtx({ flow: collectFlow({ validation: 'number' }) }));
    s.text('lots');
    expect(says(s.text('1,200'))).toEqual(['Got [1200]']);
    expect(s.state.variables.answer).toBe(1200);
  });

  it('digit collects wait for digits; yes_no takes DTMF 1 as yes and stores yes/no', () => {
    const digits = new Session(makeCtx({ flow: collectFlow({ validation: 'digits' }), channel: 'voice' }));
    expect(awaited(digits.last)).toMatchObject({ kind: 'digits', grammar: { kind: 'digits' } });
    expect(says(digits.send({ type: 'dtmf', digits: '0042' }))).toEqual(['Got [0042]']);
    const yn = new Session(makeCtx({ flow: collectFlow({ validation: 'yes_no' }), channel: 'voice' }));
    expect(awaited(yn.last)).toMatchObject({ kind: 'speech', grammar: { kind: 'yes_no' } });
    expect(says(yn.send({ type: 'dtmf', digits: '1' }))).toEqual(['Got [yes]']);
    const spoken = new Session(makeCtx({ flow: collectFlow({ validation: 'yes_no' }), channel: 'voice' }));
    expect(says(spoken.send({ type: 'speech_final', text: 'Nope.', confidence: 0.9 }))).toEqual(['Got [no]']);
  });

  it('regex, date, free_text and email store the normalized answer', () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ validation: 'regex', pattern: '^[A-Z]{2}\\d{3}$' }, 'AB123', 'Got [AB123]'],
      [{ validation: 'date' }, 'tomorrow', 'Got [2026-12-03]'],
      [{ validation: 'free_text' }, '  anything  ', 'Got [anything]'],
      [{ validation: 'email' }, 'Ann@Example.com', 'Got [Ann@example.com]'],
    ];
    for (const [data, input, said] of cases) {
      const s = new Session(makeCtx({ flow: collectFlow(data) }));
      expect(says(s.text(input))).toEqual([said]);
    }
  });
});
