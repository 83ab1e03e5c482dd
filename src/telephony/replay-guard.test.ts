import { describe, expect, it } from 'vitest';
import { createMemoryReplayGuard } from './replay-guard.js';
import { isWithinWindow, metaEventIds, metaTimestampMs, scopedReplayKey, twilioReplayKey } from './replay-keys.js';

describe('memory ReplayGuard', () => {
  it('reports a key as seen only within its TTL', async () => {
    let t = 1_000;
    const guard = createMemoryReplayGuard({ now: () => t });
    expect(await guard.seen('k', 100)).toBe(false);
    expect(await guard.seen('k', 100)).toBe(true);
    t += 99;
    expect(await guard.seen('k', 100)).toBe(true);
    t += 1;
    expect(await guard.seen('k', 100)).toBe(false); // expired, recorded afresh
    expect(await guard.seen('k', 100)).toBe(true);
  });

  it('keeps keys independent and bounded', async () => {
    const guard = createMemoryReplayGuard({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd']) expect(await guard.seen(k, 60_000)).toBe(false);
    expect(guard.size).toBe(3);
    expect(await guard.seen('d', 60_000)).toBe(true);
  });

  it('sweeps expired entries', async () => {
    let t = 0;
    const guard = createMemoryReplayGuard({ now: () => t });
    for (let i = 0; i < 999; i++) await guard.seen(`k${i}`, 10);
    t = 100;
    await guard.seen('fresh', 10); // 1000th insert triggers a sweep
    expect(guard.size).toBe(1);
  });

  it('rejects empty keys and non-positive TTLs', async () => {
    const guard = createMemoryReplayGuard();
    await expect(guard.seen('', 10)).rejects.toThrow(TypeError);
    await expect(guard.seen('k', 0)).rejects.toThrow(RangeError);
  });
});

describe('replay keys', () => {
  it('scopes keys by provider and channel', () => {
    expect(scopedReplayKey('plivo', 'ch-1', 'n')).not.toBe(scopedReplayKey('plivo', 'ch-2', 'n'));
    expect(scopedReplayKey('plivo', 'ch-1', 'n')).not.toBe(scopedReplayKey('twilio', 'ch-1', 'n'));
  });

  it('distinguishes Twilio status changes of the same call', () => {
    const p = (s: string) => new URLSearchParams({ CallSid: 'CA1', CallStatus: s });
    expect(twilioReplayKey('sig', p('ringing'))).not.toBe(twilioReplayKey('sig', p('completed')));
    expect(twilioReplayKey('sig', p('ringing'))).toBe(twilioReplayKey('sig', p('ringing')));
  });

  it('extracts WhatsApp message/status ids and the oldest timestamp', () => {
    const payload = {
      entry: [{ changes: [{ value: { messages: [{ id: 'wamid.A', timestamp: '1700000100' }], statuses: [{ id: 'wamid.B', status: 'read', timestamp: '1700000000' }] } }] }],
    };
    expect(metaEventIds(payload)).toEqual(['wamid.A', 'wamid.B:read']);
    expect(metaTimestampMs(payload)).toBe(1_700_000_000_000);
    expect(metaEventIds({ nope: true })).toEqual([]);
    expect(metaTimestampMs(null)).toBeUndefined();
  });

  it('applies the window with a small allowance for clock skew', () => {
    const now = 10_000_000;
    expect(isWithinWindow(now - 1000, now, 5000)).toBe(true);
    expect(isWithinWindow(now - 6000, now, 5000)).toBe(false);
    expect(isWithinWindow(now + 60_000, now, 5000)).toBe(true);
    expect(isWithinWindow(now + 600_000, now, 5000)).toBe(false);
  });
});
