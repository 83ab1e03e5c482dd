import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_LIMITS } from '../types.js';
import { buildFlow, ended, makeCtx, ofType, says, Session, T0 } from '../../../test/helpers/engine.js';

const start = { id: 'start', type: 'entry' };
const bye = { id: 'bye', type: 'end_call', data: { message: 'Bye' } };

describe('terminal nodes', () => {
  it('transfer says its message, emits transfer and ends transferred', () => {
    const flow = buildFlow({ nodes: [start, { id: 'xfer', type: 'transfer', data: { phone_number: '+14155552671', message: 'Transferring {{caller_number}}.' } }], chain: ['start', 'xfer'] });
    const s = new Session(makeCtx({ flow }));
    expect(s.last.outputs).toEqual([
      { type: 'say', text: 'Transferring +14155552671.', interruptible: false, source: 'flow', node_id: 'xfer' },
      { type: 'transfer', phone_number: '+14155552671', node_id: 'xfer' },
      { type: 'end', reason: 'transferred' },
    ]);
    expect(s.state).toMatchObject({ status: 'ended', ended_reason: 'transferred' });
  });

  it('human_handoff emits handoff with the rendered reason and ends handed_off', () => {
    const flow = buildFlow({ nodes: [start, { id: 'h', type: 'human_handoff', data: { queue: 'support', message: 'Please hold.', reason: 'From {{caller_number}}' } }], chain: ['start', 'h'] });
    const s = new Session(makeCtx({ flow }));
    expect(s.last.outputs).toEqual([
      { type: 'say', text: 'Please hold.', interruptible: false, source: 'flow', node_id: 'h' },
      { type: 'handoff', queue: 'support', reason: 'From +14155552671', node_id: 'h' },
      { type: 'end', reason: 'handed_off' },
    ]);
  });

  it('after a handoff, messages from the person still reach the caller; nothing else does', () => {
    const flow = buildFlow({ nodes: [start, { id: 'h', type: 'human_handoff', data: { queue: 'support' } }], chain: ['start', 'h'] });
    const s = new Session(makeCtx({ flow }));
    const ended = s.state;
    expect(s.send({ type: 'human_message', text: 'Hi, Dana here.' }, 3_600_000 * 5)).toEqual({
      state: ended,
      outputs: [{ type: 'say', text: 'Hi, Dana here.', interruptible: false, source: 'human' }],
      effects: [],
    });
    expect(s.send({ type: 'text', text: 'hello?' }).outputs).toEqual([]);
    const completed = new Session(makeCtx({ flow: buildFlow({ nodes: [start, bye], chain: ['start', 'bye'] }) }));
    expect(completed.send({ type: 'human_message', text: 'Hi' }).outputs).toEqual([]);
  });

  it('end_call without a message just ends', () => {
    const flow = buildFlow({ nodes: [start, { id: 'bye', type: 'end_call' }], chain: ['start', 'bye'] });
    expect(new Session(makeCtx({ flow })).last.outputs).toEqual([{ type: 'end', reason: 'completed' }]);
  });
});

describe('schedule_callback', () => {
  it('books delay_minutes after the session clock to caller_number and says the message', () => {
    const flow = buildFlow({ nodes: [start, { id: 'cb', type: 'schedule_callback', data: { delay_minutes: 90, message: 'We will call you.', note: 'Callback for {{caller_number}}' } }, bye], chain: ['start', 'cb', 'bye'] });
    const s = new Session(makeCtx({ flow }));
    expect(ofType(s.last, 'schedule_callback')).toEqual([{ type: 'schedule_callback', phone: '+14155552671', at: '2026-12-02T13:30:00Z', note: 'Callback for +14155552671', node_id: 'cb' }]);
    expect(says(s.last)).toEqual(['We will call you.', 'Bye']);
    expect(T0).toBe(Date.parse('2026-12-02T12:00:00Z'));
  });

  it('reads the time from time_variable (a collected date) and the number from phone_variable', () => {
    const flow = buildFlow({
      nodes: [
        start,
        { id: 'when', type: 'collect', data: { variable: 'when', prompt: 'When?', validation: 'date' } },
        { id: 'num', type: 'collect', data: { variable: 'num', prompt: 'Number?', validation: 'phone' } },
        { id: 'cb', type: 'schedule_callback', data: { time_variable: 'when', phone_variable: 'num' } },
        bye,
      ],
      chain: ['start', 'when', 'num', 'cb', 'bye'],
    });
    const s = new Session(makeCtx({ flow }));
    s.text('tomorrow at 3pm');
    const r = s.text('+447911123456');
    expect(ofType(r, 'schedule_callback')).toEqual([{ type: 'schedule_callback', phone: '+447911123456', at: '2026-12-03T15:00:00Z', node_id: 'cb' }]);
  });

  it('books nothing when the time variable is unset, and continues', () => {
    const flow = buildFlow({ nodes: [start, { id: 'cb', type: 'schedule_callback', data: { time_variable: 'when', message: 'Booked.' } }, bye], chain: ['start', 'cb', 'bye'], variables: [{ name: 'when' }] });
    const s = new Session(makeCtx({ flow }));
    expect(s.last.outputs.map((o) => o.type)).toEqual(['say', 'end']);
    expect(says(s.last)).toEqual(['Bye']);
  });
});

describe('send_message', () => {
  const flow = (data: Record<string, unknown>) =>
    buildFlow({ nodes: [start, { id: 'sms', type: 'send_message', data: { text: 'Hi {{caller_number}}', ...data } }, bye], chain: ['start', 'sms', 'bye'], variables: [{ name: 'other', default: '+447911123456' }] });

  it.each([
    ['voice', {}, 'sms'],
    ['text', {}, 'sms'],
    ['whatsapp', {}, 'whatsapp'],
    ['sms', {}, 'sms'],
    ['whatsapp', { channel: 'sms' }, 'sms'],
    ['voice', { channel: 'whatsapp' }, 'whatsapp'],
  ] as const)('on %s with %j sends by %s', (channel, data, expected) => {
    const s = new Session(makeCtx({ flow: flow(data), channel }));
    expect(ofType(s.last, 'send_message')).toEqual([{ type: 'send_message', channel: expected, to: '+14155552671', text: 'Hi +14155552671', node_id: 'sms' }]);
  });

  it('sends to to_variable', () => {
    expect(ofType(new Session(makeCtx({ flow: flow({ to_variable: 'other' }) })).last, 'send_message')[0]?.to).toBe('+447911123456');
  });

  it('sends nothing without a recipient', () => {
    const s = new Session(makeCtx({ flow: flow({}) }), {});
    expect(ofType(s.last, 'send_message')).toEqual([]);
    expect(ended(s.last)).toBe('completed');
  });
});

describe('node limit', () => {
  it('ends with node_limit when one event runs more nodes than allowed', () => {
    const speaks = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, type: 'speak', data: { text: `line ${i}` } }));
    const flow = buildFlow({ nodes: [start, ...speaks, bye], chain: ['start', ...speaks.map((n) => n.id), 'bye'] });
    const limited = new Session(makeCtx({ flow, limits: { ...DEFAULT_ENGINE_LIMITS, max_nodes_per_event: 4 } }));
    expect(says(limited.last)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(ofType(limited.last, 'end')).toEqual([{ type: 'end', reason: 'node_limit', detail: 'more than 4 nodes without waiting for the caller' }]);
    const enough = new Session(makeCtx({ flow, limits: { ...DEFAULT_ENGINE_LIMITS, max_nodes_per_event: 7 } }));
    expect(ended(enough.last)).toBe('completed');
  });

  it('counts per event, not per session', () => {
    const flow = buildFlow({
      nodes: [start, { id: 'a', type: 'speak', data: { text: 'a' } }, { id: 'l', type: 'listen' }, { id: 'b', type: 'speak', data: { text: 'b' } }, bye],
      chain: ['start', 'a', 'l', 'b', 'bye'],
    });
    const s = new Session(makeCtx({ flow, limits: { ...DEFAULT_ENGINE_LIMITS, max_nodes_per_event: 3 } }));
    expect(s.state.status).toBe('waiting_input');
    expect(ended(s.text('hi'))).toBe('completed');
  });
});
