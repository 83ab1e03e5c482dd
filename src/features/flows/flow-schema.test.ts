import { describe, expect, it } from 'vitest';
import { FlowBody, FlowNode, FlowPatchBody, NODE_DATA_SCHEMAS, NODE_TYPES, type NodeType } from './flow-schema.js';
import { examples } from './examples.js';

/** One valid data object per node type, and ones each schema must reject. */
const valid: Record<NodeType, Array<Record<string, unknown>>> = {
  entry: [{}],
  speak: [{ text: 'Hello {{caller_number}}' }],
  listen: [{}, { variable: 'reply', timeout_ms: 5000, no_input_edge_id: 'e1' }],
  collect: [
    { variable: 'zip', prompt: 'Your ZIP code?', validation: 'digits', max_attempts: 3, retry_prompt: 'Five digits please', failure_edge_id: 'e9' },
    { variable: 'code', prompt: 'Code?', validation: 'regex', pattern: '^[A-Z]{3}\\d{2}$' },
  ],
  dtmf_menu: [{ prompt: 'Press 1', options: [{ digit: '1', edge_id: 'e1' }, { digit: '*', edge_id: 'e2' }, { digit: '#', edge_id: 'e2' }], timeout_ms: 5000 }],
  condition: [
    {
      branches: [
        { when: { variable: 'age', op: 'gt', value: 17 }, edge_id: 'e1' },
        { when: { variable: 'email', op: 'exists' }, edge_id: 'e2' },
        { when: { variable: 'name', op: 'matches', value: '^A' }, edge_id: 'e2' },
        { when: { op: 'within_hours', timezone: 'America/New_York', days: [1, 2, 3], start: '08:30', end: '17:00' }, edge_id: 'e3' },
      ],
      default_edge_id: 'e4',
    },
  ],
  ai_classify: [{ prompt: 'How can I help?', variable: 'intent', classes: [{ label: 'billing', examples: ['my bill'], edge_id: 'e1' }], default_edge_id: 'e2' }],
  api_call: [{ tool_id: 't1' }, { tool_id: 't1', arguments: { q: '{{x}}', n: [1, { deep: true }] }, result_variable: 'res', response_mapping: { eta: 'a.b' }, error_edge_id: 'e2' }],
  agent: [{ agent_id: 'a1' }, { agent_id: 'a1', max_turns: 10, context: 'VIP' }],
  transfer: [{ phone_number: '+919876543210' }, { queue: 'sales', message: 'One moment' }],
  human_handoff: [{}, { queue: 'support', message: 'Connecting you', reason: 'asked for a person' }],
  schedule_callback: [{ delay_minutes: 60 }, { time_variable: 'preferred_time', phone_variable: 'alt_phone', message: 'Booked', note: 'n' }],
  send_message: [{ text: 'Hi' }, { channel: 'whatsapp', text: 'Hi', to_variable: 'phone' }],
  end_call: [{}, { message: 'Bye' }],
};

const invalid: Record<NodeType, Array<Record<string, unknown>>> = {
  entry: [{ greeting: 'hi' }],
  speak: [{}, { text: '' }, { text: '   ' }, { text: 'x'.repeat(4001) }],
  listen: [{ timeout_ms: 10 }, { variable: '1st' }],
  collect: [
    { prompt: 'p', validation: 'email' },
    { variable: 'v', prompt: 'p', validation: 'shoe_size' },
    { variable: 'v', prompt: 'p', validation: 'regex' },
    { variable: 'v', prompt: 'p', validation: 'regex', pattern: '([' },
    { variable: 'v', prompt: 'p', validation: 'email', pattern: '.*' },
    { variable: 'v', prompt: 'p', validation: 'email', max_attempts: 0 },
  ],
  dtmf_menu: [{ prompt: 'p', options: [] }, { prompt: 'p', options: [{ digit: '10', edge_id: 'e' }] }, { prompt: 'p', options: [{ digit: '1', label: 'Sales' }] }],
  condition: [
    { branches: [{ when: { variable: 'x', op: 'eq', value: 1 }, edge_id: 'e' }] },
    { branches: [{ when: { variable: 'x', op: 'exists', value: 1 }, edge_id: 'e' }], default_edge_id: 'd' },
    { branches: [{ when: { variable: 'x', op: 'gt', value: '5' }, edge_id: 'e' }], default_edge_id: 'd' },
    { branches: [{ when: { variable: 'x', op: 'matches', value: '(' }, edge_id: 'e' }], default_edge_id: 'd' },
    { branches: [{ when: { variable: 'x', op: 'eq' }, edge_id: 'e' }], default_edge_id: 'd' },
    { branches: [{ when: { op: 'within_hours', timezone: 'Mars/Olympus', days: [1], start: '09:00', end: '17:00' }, edge_id: 'e' }], default_edge_id: 'd' },
    { branches: [{ when: { op: 'within_hours', timezone: 'UTC', days: [8], start: '09:00', end: '17:00' }, edge_id: 'e' }], default_edge_id: 'd' },
    { branches: [{ when: { op: 'within_hours', timezone: 'UTC', days: [1], start: '18:00', end: '09:00' }, edge_id: 'e' }], default_edge_id: 'd' },
    { branches: [{ when: { variable: 'x', op: 'eq', value: 1 }, edge_id: 'e' }, { when: { variable: 'x', op: 'eq', value: 1 }, edge_id: 'f' }], default_edge_id: 'd' },
  ],
  ai_classify: [{ classes: [{ label: 'a', edge_id: 'e' }] }, { classes: [{ label: 'A', edge_id: 'e' }, { label: 'a', edge_id: 'f' }], default_edge_id: 'd' }],
  api_call: [{}, { tool_id: 't', arguments: { org_id: 'x' } }, { tool_id: 't', response_mapping: { organization_id: 'a' } }, { tool_id: 't', result_variable: 'caller_number' }],
  agent: [{}, { agent_id: 'a', max_turns: 0 }],
  transfer: [{}, { phone_number: '+14155552671', queue: 'q' }, { phone_number: '14155552671' }, { phone_number: '+123' }],
  human_handoff: [{ queue: '' }],
  schedule_callback: [{}, { delay_minutes: 5, time_variable: 't' }, { delay_minutes: 0 }],
  send_message: [{ channel: 'email', text: 'x' }, {}],
  end_call: [{ message: '' }, { reason: 'done' }],
};

describe('node data schemas', () => {
  it('cover every node type of the API contract', () => {
    expect(NODE_TYPES).toEqual(['entry', 'speak', 'listen', 'collect', 'dtmf_menu', 'condition', 'ai_classify', 'api_call', 'agent', 'transfer', 'human_handoff', 'schedule_callback', 'send_message', 'end_call']);
  });

  for (const type of NODE_TYPES) {
    it(`${type}: accepts valid data and rejects invalid data, unknown keys and org ids`, () => {
      for (const data of valid[type]) expect(NODE_DATA_SCHEMAS[type].safeParse(data).error?.issues ?? []).toEqual([]);
      for (const data of invalid[type]) expect(NODE_DATA_SCHEMAS[type].safeParse(data).success, JSON.stringify(data)).toBe(false);
      for (const key of ['org_id', 'organization_id', 'surprise']) {
        expect(NODE_DATA_SCHEMAS[type].safeParse({ ...valid[type][0], [key]: 'x' }).success).toBe(false);
      }
    });
  }

  it('parses a node by its type', () => {
    expect(FlowNode.safeParse({ id: 'n1', type: 'speak', data: { text: 'hi' } }).success).toBe(true);
    expect(FlowNode.safeParse({ id: 'n1', type: 'speak', data: {} }).success).toBe(false);
    expect(FlowNode.safeParse({ id: 'n1', type: 'teleport', data: {} }).success).toBe(false);
    expect(FlowNode.safeParse({ id: 'has space', type: 'entry', data: {} }).success).toBe(false);
    expect(FlowNode.safeParse({ id: 'n1', type: 'entry', data: {}, position: { x: 0, y: 0 } }).success).toBe(false);
  });
});

describe('FlowBody and FlowPatchBody', () => {
  it('accept the examples', () => {
    for (const flow of Object.values(examples)) expect(FlowBody.safeParse(flow).error?.issues ?? []).toEqual([]);
  });

  it('reject unknown and tenant keys at every level', () => {
    const base = examples.ivr_menu;
    expect(FlowBody.safeParse({ ...base, org_id: 'x' }).success).toBe(false);
    expect(FlowBody.safeParse({ ...base, edges: [{ ...base.edges[0], organization_id: 'x' }] }).success).toBe(false);
    expect(FlowBody.safeParse({ ...base, variables: [{ name: 'v', org_id: 'x' }] }).success).toBe(false);
    expect(FlowBody.safeParse({ ...base, variables: [{ name: 'org_id' }] }).success).toBe(false);
  });

  it('require name, nodes and edges on create, and at least one field on patch', () => {
    expect(FlowBody.safeParse({ name: 'x', nodes: [] }).success).toBe(false);
    expect(FlowBody.safeParse({ name: '', nodes: [], edges: [] }).success).toBe(false);
    expect(FlowPatchBody.safeParse({ name: 'renamed' }).success).toBe(true);
    expect(FlowPatchBody.safeParse({}).success).toBe(false);
    expect(FlowPatchBody.safeParse({ name: 'x', organization_id: 'y' }).success).toBe(false);
  });
});
