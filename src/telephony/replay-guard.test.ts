import { describe, expect, it } from 'vitest';
import { createMemoryReplayGuard } from './replay-guard.js';
import { exotelReplayKey, isWithinWindow, metaEventIds, metaTimestamps, scopedReplayKey, twilioReplayKey, twilioTimestamps } from './replay-keys.js';
import { computeTwilioSignature, twilioSignedText } from './signatures/twilio.js';

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

  it('keys Twilio deliveries on the signature: status changes differ, re-splits of the signed text do not', () => {
    const url = 'https://x.example/hook';
    const sig = (p: Record<string, string>) => computeTwilioSignature('token', url, p);
    expect(twilioReplayKey(sig({ CallSid: 'CA1', CallStatus: 'ringing' }))).not.toBe(twilioReplayKey(sig({ CallSid: 'CA1', CallStatus: 'completed' })));
    // The same signed text, split differently: the same signature, hence the same key.
    expect(sig({ CallSid: 'CA1CallStatusringing' })).toBe(sig({ CallSid: 'CA1', CallStatus: 'ringing' }));
  });

  it('reads Twilio timestamps from the signed text, so folding the field into another one hides nothing', () => {
    const url = 'https://x.example/hook';
    const old = 'Sat, 28 Nov 2026 10:00:00 GMT';
    const honest = new URLSearchParams({ CallbackSource: 'call-progress-events', From: '+15550001', SequenceNumber: '0', Timestamp: old, To: '+15550002' });
    const folded = new URLSearchParams({ CallbackSource: 'call-progress-events', From: `+15550001SequenceNumber0Timestamp${old}`, To: '+15550002' });
    expect(twilioSignedText(url, folded)).toBe(twilioSignedText(url, honest));
    for (const p of [honest, folded]) expect(twilioTimestamps(twilioSignedText(url, p), p)).toEqual({ timestamps: [Date.parse(old)], missing: false });
    const progressWithout = new URLSearchParams({ CallbackSource: 'call-progress-events', CallSid: 'CA1' });
    expect(twilioTimestamps(twilioSignedText(url, progressWithout), progressWithout)).toEqual({ timestamps: [], missing: true });
    const inboundCall = new URLSearchParams({ CallSid: 'CA1', CallStatus: 'ringing' });
    expect(twilioTimestamps(twilioSignedText(url, inboundCall), inboundCall)).toEqual({ timestamps: [], missing: false });
    const garbled = new URLSearchParams({ CallSid: 'CA1', Timestamp: 'yesterday-ish' });
    expect(twilioTimestamps(twilioSignedText(url, garbled), garbled).missing).toBe(true);
  });

  it('extracts WhatsApp message/status ids and every timestamp; an event without one is flagged', () => {
    const payload = {
      entry: [{ changes: [{ value: { messages: [{ id: 'wamid.A', timestamp: '1700000100' }], statuses: [{ id: 'wamid.B', status: 'read', timestamp: '1700000000' }] } }] }],
    };
    expect(metaEventIds(payload)).toEqual(['wamid.A', 'wamid.B:read']);
    expect(metaTimestamps(payload)).toEqual({ timestamps: [1_700_000_100_000, 1_700_000_000_000], missing: false });
    expect(metaEventIds({ nope: true })).toEqual([]);
    expect(metaTimestamps(null)).toEqual({ timestamps: [], missing: false });
    expect(metaTimestamps({ entry: [{ changes: [{ value: { messages: [{ id: 'wamid.C' }] } }] }] }).missing).toBe(true);
  });

  it('Exotel: the URL\'s event tells apart the flow\'s requests about one call (Voicebot URL, Passthru, Connect)', () => {
    const call = new URLSearchParams({ CallSid: 'c1', CallFrom: '+91980000', CallTo: '+914400' });
    const voicebot = exotelReplayKey(call);
    expect(voicebot).toBe(exotelReplayKey(call, null)); // keys stored before events counted are unchanged
    expect(new Set([voicebot, exotelReplayKey(call, 'transfer_check'), exotelReplayKey(call, 'transfer')]).size).toBe(3);
    expect(exotelReplayKey(call, 'transfer')).toBe(exotelReplayKey(new URLSearchParams({ CallSid: 'c1' }), 'transfer')); // a retry is still a replay
  });

  it('applies the window with a small allowance for clock skew', () => {
    const now = 10_000_000;
    expect(isWithinWindow(now - 1000, now, 5000)).toBe(true);
    expect(isWithinWindow(now - 6000, now, 5000)).toBe(false);
    expect(isWithinWindow(now + 60_000, now, 5000)).toBe(true);
    expect(isWithinWindow(now + 600_000, now, 5000)).toBe(false);
  });
});
