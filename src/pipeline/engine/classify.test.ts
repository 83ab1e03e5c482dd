import { describe, expect, it } from 'vitest';
import { awaited, buildFlow, makeCtx, says, Session } from '../../../test/helpers/engine.js';
import { matchKeywords } from './classify.js';

const classes = [
  { label: 'Billing', description: 'Invoices and payments', examples: ['invoice', 'charged twice', 'refund'], edge_id: 'e_billing' },
  { label: 'Interested', examples: ['sounds good'], edge_id: 'e_yes' },
  { label: 'Not interested', examples: ['no thanks', 'stop calling'], edge_id: 'e_no' },
];

const classifyFlow = (data: Record<string, unknown>, before: 'listen' | 'none' = 'none') =>
  buildFlow({
    nodes: [
      { id: 'start', type: 'entry' },
      ...(before === 'listen' ? [{ id: 'hear', type: 'listen' }] : []),
      { id: 'route', type: 'ai_classify', data: { classes, default_edge_id: 'e_other', variable: 'topic', ...data } },
      { id: 'billing', type: 'end_call', data: { message: 'billing [{{topic}}]' } },
      { id: 'yes', type: 'end_call', data: { message: 'yes [{{topic}}]' } },
      { id: 'no', type: 'end_call', data: { message: 'no [{{topic}}]' } },
      { id: 'other', type: 'end_call', data: { message: 'other [{{topic}}]' } },
    ],
    chain: before === 'listen' ? ['start', 'hear', 'route'] : ['start', 'route'],
    edges: [['e_billing', 'route', 'billing'], ['e_yes', 'route', 'yes'], ['e_no', 'route', 'no'], ['e_other', 'route', 'other']],
  });

describe('ai_classify without a model (keywords)', () => {
  it.each([
    ['I was CHARGED twice!', 'Billing'],
    ['billing', 'Billing'],
    ['Where is my invoice?', 'Billing'],
    ['invoices', null], // whole words only
    ['that sounds good', 'Interested'],
    ["I'm not interested, thanks", 'Not interested'], // the longer phrase wins over "interested"
    ['interested', 'Interested'],
    ['Please stop-calling me', 'Not interested'],
    ['hello there', null],
    ['', null],
  ])('%j → %j', (text, label) => expect(matchKeywords({ classes }, text)).toBe(label));

  it('asks the prompt, classifies the reply and stores the label', () => {
    const s = new Session(makeCtx({ flow: classifyFlow({ prompt: 'What is it about?' }), channel: 'voice' }));
    expect(says(s.last)).toEqual(['What is it about?']);
    expect(awaited(s.last)).toMatchObject({
      kind: 'speech',
      grammar: { kind: 'choices', choices: [{ label: 'Billing', examples: ['invoice', 'charged twice', 'refund'] }, { label: 'Interested', examples: ['sounds good'] }, { label: 'Not interested', examples: ['no thanks', 'stop calling'] }] },
    });
    expect(says(s.send({ type: 'speech_final', text: 'I need a refund', confidence: 0.9 }))).toEqual(['billing [Billing]']);
    expect(s.state.variables.topic).toBe('Billing');
  });

  it('without a prompt classifies the most recent utterance; no match stores an empty string', () => {
    const s = new Session(makeCtx({ flow: classifyFlow({}, 'listen') }));
    expect(says(s.text('the weather'))).toEqual(['other []']);
    expect(s.state.variables.topic).toBe('');
    const t = new Session(makeCtx({ flow: classifyFlow({}, 'listen') }));
    expect(says(t.text('no thanks'))).toEqual(['no [Not interested]']);
  });

  it('without a prompt and before any utterance takes the default', () => {
    const s = new Session(makeCtx({ flow: classifyFlow({}) }));
    expect(says(s.last)).toEqual(['other []']);
    expect(s.last.outputs).toContainEqual({ type: 'set_variables', variables: { topic: '' } });
  });

  it('silence at the prompt takes the default', () => {
    const s = new Session(makeCtx({ flow: classifyFlow({ prompt: 'Why?' }) }));
    expect(says(s.send({ type: 'silence', ms: 5000 }))).toEqual(['other []']);
  });
});

describe('ai_classify with a model', () => {
  const ctx = (data: Record<string, unknown>) => makeCtx({ flow: classifyFlow(data, 'listen'), can_classify_with_model: true });

  it('emits a classify effect and follows the label it returns (case-insensitive)', () => {
    const s = new Session(ctx({ instructions: 'Caller {{caller_number}}' }));
    const r = s.text('they took my money twice');
    expect(r.effects).toEqual([{
      type: 'classify',
      id: 'fx1',
      node_id: 'route',
      text: 'they took my money twice',
      classes: [
        { label: 'Billing', description: 'Invoices and payments', examples: ['invoice', 'charged twice', 'refund'] },
        { label: 'Interested', examples: ['sounds good'] },
        { label: 'Not interested', examples: ['no thanks', 'stop calling'] },
      ],
      instructions: 'Caller +14155552671',
    }]);
    expect(s.state.status).toBe('waiting_effect');
    expect(says(s.effect({ type: 'classify_result', label: 'billing' }))).toEqual(['billing [Billing]']);
  });

  it('a null or unknown label takes the default', () => {
    for (const label of [null, 'Weather']) {
      const s = new Session(ctx({}));
      s.text('hmm');
      expect(says(s.effect({ type: 'classify_result', label }))).toEqual(['other []']);
    }
  });

  it('ignores a result of the wrong kind for the pending effect', () => {
    const s = new Session(ctx({}));
    s.text('hmm');
    const r = s.effect({ type: 'tool_result', ok: true, value: 'Billing' });
    expect(r.outputs).toEqual([]);
    expect(r.state.status).toBe('waiting_effect');
  });
});
