import { describe, expect, it } from 'vitest';
import {
  exotelCallback,
  exotelCallStatus,
  metaCallback,
  metaInboundText,
  plivoCallback,
  plivoInboundCall,
  plivoRecordingDone,
  twilioCallback,
  twilioInboundCall,
  twilioCallStatus,
  twilioInboundMessage,
  twilioJsonCallback,
  withBadSignature,
  withFoldedParams,
  withTamperedParam,
  withTextMovedIntoNonce,
  withoutSignature,
  type SignedCallback,
} from '../../test/fakes/provider-sim/index.js';
import { metaCreds, plivoCreds, twilioCreds } from '../../test/fakes/provider-sim/fixtures.js';
import type { ProviderName } from './providers/types.js';
import { createMemoryReplayGuard, type ReplayGuard } from './replay-guard.js';
import { verifyInboundWebhook } from './verify-webhook.js';

const HOOK = 'https://converse.example.com/api/v1/webhooks';
const EXOTEL_TOKEN = 'exotel-path-token-abcdefghijklmnop';

function check(cb: SignedCallback, secret: string, guard: ReplayGuard, extra: { channelId?: string; pathToken?: string; now?: () => number } = {}) {
  return verifyInboundWebhook({
    provider: cb.provider as ProviderName,
    channelId: extra.channelId ?? 'ch-1',
    request: { method: cb.method, url: cb.url, headers: cb.headers, rawBody: cb.body },
    secret,
    replayGuard: guard,
    ...(extra.pathToken !== undefined ? { pathToken: extra.pathToken } : {}),
    ...(extra.now ? { now: extra.now } : {}),
  });
}

const cases: Array<{ name: string; secret: string; build: () => SignedCallback; tamperKey: string; pathToken?: string }> = [
  {
    name: 'twilio form',
    secret: twilioCreds.auth_token,
    build: () => twilioCallback(`${HOOK}/twilio/ch-1`, twilioInboundMessage({ accountSid: twilioCreds.account_sid, from: '+15005550006', to: '+14155550100', body: 'hi' }), twilioCreds.auth_token),
    tamperKey: 'Body',
  },
  {
    name: 'twilio json',
    secret: twilioCreds.auth_token,
    build: () => twilioJsonCallback(`${HOOK}/twilio/ch-1`, { event: 'x', id: 1 }, twilioCreds.auth_token),
    tamperKey: 'event',
  },
  {
    name: 'plivo',
    secret: plivoCreds.auth_token,
    build: () => plivoCallback(`${HOOK}/plivo/ch-1`, plivoInboundCall({ from: '14155550100', to: '919876543210' }), plivoCreds.auth_token),
    tamperKey: 'From',
  },
  {
    name: 'meta',
    secret: metaCreds.app_secret,
    build: () => metaCallback(`${HOOK}/meta/ch-1`, metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: '919876543210', text: 'hi' }), metaCreds.app_secret),
    tamperKey: 'object',
  },
];

describe.each(cases)('verifyInboundWebhook: $name', ({ secret, build, tamperKey }) => {
  it('accepts a valid delivery once and rejects its replay', async () => {
    const guard = createMemoryReplayGuard();
    const cb = build();
    expect((await check(cb, secret, guard)).ok).toBe(true);
    expect(await check(cb, secret, guard)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('keeps replay state per channel', async () => {
    const guard = createMemoryReplayGuard();
    const cb = build();
    expect((await check(cb, secret, guard, { channelId: 'ch-1' })).ok).toBe(true);
    expect((await check(cb, secret, guard, { channelId: 'ch-2' })).ok).toBe(true);
  });

  it('rejects the wrong key, a bad signature, tampering and a missing signature', async () => {
    const guard = createMemoryReplayGuard();
    const cb = build();
    expect(await check(cb, `${secret}x`, guard)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await check(withBadSignature(cb), secret, guard)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await check(withTamperedParam(cb, tamperKey, 'evil'), secret, guard)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await check(withoutSignature(cb), secret, guard)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(await check(cb, '', guard)).toEqual({ ok: false, reason: 'bad_signature' });
    // Failed attempts did not poison the replay store: the genuine delivery still passes.
    expect((await check(cb, secret, guard)).ok).toBe(true);
  });
});

describe('verifyInboundWebhook: specifics', () => {
  it('returns parsed form params and JSON to the caller', async () => {
    const guard = createMemoryReplayGuard();
    const v = await check(cases[0]!.build(), twilioCreds.auth_token, guard);
    expect(v.ok && v.params.get('Body')).toBe('hi');
    const m = await check(cases[3]!.build(), metaCreds.app_secret, guard);
    expect(m.ok && (m.json as { object: string }).object).toBe('whatsapp_business_account');
  });

  it('rejects a Twilio status callback outside the timestamp window', async () => {
    const params = twilioCallStatus({ accountSid: twilioCreds.account_sid, callSid: 'CA1', from: '+1', to: '+2', status: 'completed', timestamp: new Date(Date.now() - 48 * 3600_000) });
    const cb = twilioCallback(`${HOOK}/twilio/ch-1`, params, twilioCreds.auth_token);
    expect(await check(cb, twilioCreds.auth_token, createMemoryReplayGuard())).toEqual({ ok: false, reason: 'stale' });
  });

  it('rejects a WhatsApp delivery older than 7 days but accepts a 2-day-old retry', async () => {
    const old = metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: '1', text: 'x', timestampSec: Math.floor(Date.now() / 1000) - 8 * 86400 });
    const retry = metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: '1', text: 'x', timestampSec: Math.floor(Date.now() / 1000) - 2 * 86400 });
    const guard = createMemoryReplayGuard();
    expect(await check(metaCallback(HOOK, old, metaCreds.app_secret), metaCreds.app_secret, guard)).toEqual({ ok: false, reason: 'stale' });
    expect((await check(metaCallback(HOOK, retry, metaCreds.app_secret), metaCreds.app_secret, guard)).ok).toBe(true);
  });

  it('checks the Exotel path token and rejects replays by CallSid + status', async () => {
    const guard = createMemoryReplayGuard();
    const cb = exotelCallback(`${HOOK}/exotel/ch-1/${EXOTEL_TOKEN}`, exotelCallStatus({ callSid: 'abc', status: 'completed' }));
    expect((await check(cb, EXOTEL_TOKEN, guard, { pathToken: EXOTEL_TOKEN })).ok).toBe(true);
    expect(await check(cb, EXOTEL_TOKEN, guard, { pathToken: EXOTEL_TOKEN })).toEqual({ ok: false, reason: 'replayed' });
    expect(await check(cb, EXOTEL_TOKEN, guard, { pathToken: 'guess' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await check(cb, EXOTEL_TOKEN, guard)).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('refuses (does not throw on) a malformed URL', async () => {
    const cb = { ...cases[0]!.build(), url: 'not a url' };
    expect(await check(cb, twilioCreds.auth_token, createMemoryReplayGuard())).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('verifies Plivo GET callbacks (params in the query)', async () => {
    const cb = plivoCallback(`${HOOK}/plivo/ch-1`, plivoInboundCall({ from: '1', to: '2' }), plivoCreds.auth_token, { method: 'GET' });
    const guard = createMemoryReplayGuard();
    expect((await check(cb, plivoCreds.auth_token, guard)).ok).toBe(true);
    expect(await check(withTamperedParam(cb, 'From', '3'), plivoCreds.auth_token, guard)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('verifyInboundWebhook: one signature, another split of the signed text (issue 12)', () => {
  const twilioUrl = `${HOOK}/twilio/ch-1`;

  it('Twilio: CallSid=CAx&CallStatus=ringing replayed as CallSid=CAxCallStatusringing is a replay', async () => {
    const guard = createMemoryReplayGuard();
    const cb = twilioCallback(twilioUrl, twilioInboundCall({ accountSid: twilioCreds.account_sid, from: '+15550001', to: '+15550002', callSid: 'CAx' }), twilioCreds.auth_token);
    const resplit = withFoldedParams(cb, 'CallSid', 'CallStatus');
    expect(new URLSearchParams(resplit.body).get('CallSid')).toBe('CAxCallStatusringing');
    expect((await check(cb, twilioCreds.auth_token, guard)).ok).toBe(true);
    expect(await check(resplit, twilioCreds.auth_token, guard)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('Twilio: a 3-day-old Timestamp folded into From is still stale', async () => {
    const params = twilioCallStatus({ accountSid: twilioCreds.account_sid, callSid: 'CA1', from: '+15550001', to: '+15550002', status: 'completed', timestamp: new Date(Date.now() - 3 * 86400_000) });
    const cb = twilioCallback(twilioUrl, params, twilioCreds.auth_token);
    const folded = withFoldedParams(cb, 'From', 'Timestamp');
    expect(new URLSearchParams(folded.body).has('Timestamp')).toBe(false);
    const guard = createMemoryReplayGuard();
    expect(await check(cb, twilioCreds.auth_token, guard)).toEqual({ ok: false, reason: 'stale' });
    expect(await check(folded, twilioCreds.auth_token, guard)).toEqual({ ok: false, reason: 'stale' });
    // Folding everything from CallbackSource on into CallStatus hides the call-progress marker too: still stale.
    expect(await check(withFoldedParams(cb, 'CallStatus', 'Timestamp'), twilioCreds.auth_token, guard)).toEqual({ ok: false, reason: 'stale' });
  });

  it('Twilio: a fresh status callback passes; a call-progress callback without any Timestamp is refused', async () => {
    const params = twilioCallStatus({ accountSid: twilioCreds.account_sid, callSid: 'CA2', from: '+1', to: '+2', status: 'in-progress' });
    const guard = createMemoryReplayGuard();
    expect((await check(twilioCallback(twilioUrl, params, twilioCreds.auth_token), twilioCreds.auth_token, guard)).ok).toBe(true);
    const { Timestamp: _dropped, ...without } = params;
    expect(await check(twilioCallback(twilioUrl, without, twilioCreds.auth_token), twilioCreds.auth_token, guard)).toEqual({ ok: false, reason: 'missing_timestamp' });
  });

  it('Plivo: text cut from RecordUrl and moved into the nonce header is a replay', async () => {
    const guard = createMemoryReplayGuard();
    const cb = plivoCallback(`${HOOK}/plivo/ch-1`, plivoRecordingDone({ callUuid: 'c0ffee00-0000-4000-8000-000000000001', from: '1', to: '2' }), plivoCreds.auth_token);
    const moved = withTextMovedIntoNonce(cb, 'RecordUrl');
    expect(moved.headers['x-plivo-signature-v3-nonce']).not.toBe(cb.headers['x-plivo-signature-v3-nonce']);
    expect((await check(cb, plivoCreds.auth_token, guard)).ok).toBe(true);
    expect(await check(moved, plivoCreds.auth_token, guard)).toEqual({ ok: false, reason: 'replayed' });
    // Extra candidates in the signature header do not make a new key either.
    const padded = { ...cb, headers: { ...cb.headers, 'x-plivo-signature-v3': `${cb.headers['x-plivo-signature-v3']},AAAA` } };
    expect(await check(padded, plivoCreds.auth_token, guard)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('Meta: a message without a timestamp is refused (Meta stamps every message and status)', async () => {
    const payload = metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: '1', text: 'x' }) as { entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, unknown>> } }> }> };
    delete payload.entry[0]!.changes[0]!.value.messages[0]!.timestamp;
    const cb = metaCallback(HOOK, payload, metaCreds.app_secret);
    expect(await check(cb, metaCreds.app_secret, createMemoryReplayGuard())).toEqual({ ok: false, reason: 'missing_timestamp' });
  });
});
