import { describe, expect, it } from 'vitest';
import { buildFlow, makeCtx, says, Session, TOOL_ID } from '../../../test/helpers/engine.js';

const apiFlow = (data: Record<string, unknown>, withError = false) =>
  buildFlow({
    nodes: [
      { id: 'start', type: 'entry' },
      { id: 'ask', type: 'collect', data: { variable: 'email', prompt: 'Email?', validation: 'email' } },
      { id: 'lookup', type: 'api_call', data: { tool_id: TOOL_ID, ...data, ...(withError ? { error_edge_id: 'e_err' } : {}) } },
      { id: 'done', type: 'end_call', data: { message: 'tier={{tier}} owner={{owner}} whole={{crm.customer.tier}}' } },
      ...(withError ? [{ id: 'err', type: 'end_call', data: { message: 'lookup failed' } }] : []),
    ],
    chain: ['start', 'ask', 'lookup', 'done'],
    edges: withError ? [['e_err', 'lookup', 'err']] : [],
    variables: [{ name: 'campaign', default: 'spring' }, { name: 'unset_var' }],
  });

const mapped = {
  arguments: { email: '{{email}}', meta: { source: 'campaign {{ campaign }}', tags: ['{{channel}}', 7, true, null], missing: '{{unset_var}}' } },
  result_variable: 'crm',
  response_mapping: { tier: 'customer.tier', owner: 'customer.owner.name' },
  timeout_ms: 5000,
};

describe('api_call', () => {
  it('emits run_tool with templates rendered inside the arguments, recursively', () => {
    const s = new Session(makeCtx({ flow: apiFlow(mapped) }));
    const r = s.text('ann@example.com');
    expect(r.outputs).toEqual([{ type: 'set_variables', variables: { email: 'ann@example.com' } }]);
    expect(r.effects).toEqual([{
      type: 'run_tool',
      id: 'fx1',
      node_id: 'lookup',
      tool_id: TOOL_ID,
      arguments: { email: 'ann@example.com', meta: { source: 'campaign spring', tags: ['text', 7, true, null], missing: '' } },
      timeout_ms: 5000,
    }]);
  });

  it('stores the whole response and the mapped fields, then continues', () => {
    const s = new Session(makeCtx({ flow: apiFlow(mapped) }));
    s.text('ann@example.com');
    const r = s.effect({ type: 'tool_result', ok: true, value: { customer: { tier: 'gold', owner: { name: 'Raj' } } } });
    expect(says(r)).toEqual(['tier=gold owner=Raj whole=gold']);
    expect(s.state.variables).toMatchObject({ crm: { customer: { tier: 'gold', owner: { name: 'Raj' } } }, tier: 'gold', owner: 'Raj' });
  });

  it('a path missing from the response leaves its variable unset', () => {
    const s = new Session(makeCtx({ flow: apiFlow(mapped) }), { owner: 'stale' });
    s.text('ann@example.com');
    expect(says(s.effect({ type: 'tool_result', ok: true, value: { customer: { tier: 'silver' } } }))).toEqual(['tier=silver owner= whole=silver']);
    expect(s.state.variables).not.toHaveProperty('owner');
  });

  it('on failure takes error_edge_id with the variables unset', () => {
    const s = new Session(makeCtx({ flow: apiFlow(mapped, true) }), { tier: 'stale' });
    s.text('ann@example.com');
    expect(says(s.effect({ type: 'tool_result', ok: false, error: 'timeout' }))).toEqual(['lookup failed']);
    expect(s.state.variables).not.toHaveProperty('tier');
  });

  it('on failure without error_edge_id continues along the next edge', () => {
    const s = new Session(makeCtx({ flow: apiFlow(mapped) }));
    s.text('ann@example.com');
    expect(says(s.effect({ type: 'tool_result', ok: false, error: 'HTTP 500' }))).toEqual(['tier= owner= whole=']);
  });

  it('a stale result (other effect id) is ignored', () => {
    const s = new Session(makeCtx({ flow: apiFlow(mapped) }));
    s.text('ann@example.com');
    const r = s.send({ type: 'tool_result', effect_id: 'fx0', ok: true, value: {} });
    expect(r.outputs).toEqual([]);
    expect(r.state.pending_effect?.id).toBe('fx1');
  });
});
