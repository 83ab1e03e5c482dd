import { describe, expect, it } from 'vitest';
import { awaited, buildFlow, ended, makeCtx, says, Session } from '../../../test/helpers/engine.js';

const menu = (extra: Record<string, unknown> = {}, noInputEdge = false) =>
  buildFlow({
    nodes: [
      { id: 'start', type: 'entry' },
      {
        id: 'menu',
        type: 'dtmf_menu',
        data: {
          prompt: 'Press 1 for sales, 2 for support, # to repeat.',
          options: [{ digit: '1', edge_id: 'sales' }, { digit: '2', edge_id: 'support' }, { digit: '#', edge_id: 'again' }],
          timeout_ms: 4000,
          ...extra,
          ...(noInputEdge ? { no_input_edge_id: 'quiet' } : {}),
        },
      },
      { id: 'sales_end', type: 'end_call', data: { message: 'Sales' } },
      { id: 'support_end', type: 'end_call', data: { message: 'Support' } },
      ...(noInputEdge ? [{ id: 'quiet_end', type: 'end_call', data: { message: 'No choice' } }] : []),
    ],
    chain: ['start', 'menu'],
    edges: [['sales', 'menu', 'sales_end'], ['support', 'menu', 'support_end'], ['again', 'menu', 'menu'], ...(noInputEdge ? [['quiet', 'menu', 'quiet_end'] as [string, string, string]] : [])],
  });

describe('dtmf_menu', () => {
  it('plays the prompt and waits for digits with the menu keys as grammar', () => {
    const s = new Session(makeCtx({ flow: menu(), channel: 'voice' }));
    expect(says(s.last)).toEqual(['Press 1 for sales, 2 for support, # to repeat.']);
    expect(awaited(s.last)).toEqual({ type: 'await_input', kind: 'digits', grammar: { kind: 'dtmf', keys: ['1', '2', '#'] }, timeout_ms: 4000, node_id: 'menu' });
    expect(says(s.send({ type: 'dtmf', digits: '2' }))).toEqual(['Support']);
  });

  it('in a text session a text that is just a key counts as DTMF', () => {
    const s = new Session(makeCtx({ flow: menu() }));
    expect(awaited(s.last)?.kind).toBe('digits');
    expect(says(s.text(' 1 '))).toEqual(['Sales']);
  });

  it('on voice a spoken key counts', () => {
    const s = new Session(makeCtx({ flow: menu(), channel: 'voice' }));
    expect(says(s.send({ type: 'speech_final', text: 'Two.', confidence: 0.8 }))).toEqual(['Support']);
  });

  it('a looping option repeats the menu (the loop waits for a key)', () => {
    const s = new Session(makeCtx({ flow: menu() }));
    expect(says(s.text('#'))).toEqual(['Press 1 for sales, 2 for support, # to repeat.']);
    expect(s.state.wait).toMatchObject({ kind: 'dtmf_menu', attempts: 0 });
  });

  it('invalid keys say invalid_prompt and the prompt; after max_attempts it ends with no_input', () => {
    const s = new Session(makeCtx({ flow: menu({ invalid_prompt: 'Not an option.', max_attempts: 3 }) }));
    expect(says(s.text('7'))).toEqual(['Not an option.', 'Press 1 for sales, 2 for support, # to repeat.']);
    expect(says(s.text('sales please'))).toEqual(['Not an option.', 'Press 1 for sales, 2 for support, # to repeat.']);
    const r = s.text('12');
    expect(r.outputs).toEqual([{ type: 'end', reason: 'no_input' }]);
  });

  it('silence repeats the prompt (no invalid_prompt) and counts; no_input_edge_id is taken at the end', () => {
    const s = new Session(makeCtx({ flow: menu({ invalid_prompt: 'Not an option.', max_attempts: 2 }, true) }));
    expect(says(s.send({ type: 'silence', ms: 4000 }))).toEqual(['Press 1 for sales, 2 for support, # to repeat.']);
    const r = s.send({ type: 'silence', ms: 4000 });
    expect(says(r)).toEqual(['No choice']);
    expect(ended(r)).toBe('completed');
    expect(s.state.turns).toBe(0);
  });
});
