import { describe, expect, it } from 'vitest';
import { muLawEncode } from '../../voice/media/mulaw.js';
import { pcmToBytes } from '../../voice/media/pcm.js';
import { STREAM_PROTOCOLS } from './protocols.js';

const pcm = Int16Array.from([0, 1000, -1000, 8000]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const frame = (m: unknown) => JSON.stringify(m);

describe('provider stream protocols', () => {
  it('read each provider\'s start, media, keys, played-audio marks and stop', () => {
    const { twilio, plivo, exotel } = STREAM_PROTOCOLS;
    expect(twilio.parse(frame({ event: 'start', streamSid: 'MZ1', start: { streamSid: 'MZ1', callSid: 'CA1' } }))).toEqual({ type: 'start', streamId: 'MZ1', providerCallId: 'CA1' });
    expect(plivo.parse(frame({ event: 'start', start: { streamId: 's1', callId: 'c1' } }))).toEqual({ type: 'start', streamId: 's1', providerCallId: 'c1' });
    expect(exotel.parse(frame({ event: 'start', stream_sid: 'e1', start: { stream_sid: 'e1', call_sid: 'x1' } }))).toEqual({ type: 'start', streamId: 'e1', providerCallId: 'x1' });

    const mulaw = { event: 'media', media: { track: 'inbound', payload: b64(muLawEncode(pcm)) } };
    expect(twilio.parse(frame(mulaw))).toMatchObject({ type: 'media', pcm: { length: 4 } });
    expect(plivo.parse(frame(mulaw))).toMatchObject({ type: 'media', pcm: { length: 4 } });
    expect(exotel.parse(frame({ event: 'media', media: { payload: b64(pcmToBytes(pcm)) } }))).toEqual({ type: 'media', pcm });
    expect(twilio.parse(frame({ event: 'media', media: { track: 'outbound', payload: 'AA==' } }))).toEqual({ type: 'other' });

    for (const p of [twilio, plivo, exotel]) {
      expect(p.parse(frame({ event: 'dtmf', dtmf: { digit: '5' } }))).toEqual({ type: 'dtmf', digit: '5' });
      expect(p.parse(frame({ event: 'stop' }))).toEqual({ type: 'stop' });
      expect(p.parse('not json')).toBeNull();
      expect(p.parse(frame({ event: 'start', start: {} }))).toBeNull();
    }
    expect(twilio.parse(frame({ event: 'mark', mark: { name: 'end' } }))).toEqual({ type: 'mark', name: 'end' });
    expect(plivo.parse(frame({ event: 'playedStream', name: 'end' }))).toEqual({ type: 'mark', name: 'end' });
    expect(plivo.parse(frame({ event: 'mark', mark: { name: 'end' } }))).toEqual({ type: 'other' });
  });

  it('write each provider\'s frames: Twilio μ-law media, Exotel PCM media, Plivo playAudio/checkpoint/clearAudio', () => {
    const { twilio, plivo, exotel } = STREAM_PROTOCOLS;
    expect(JSON.parse(twilio.media('MZ1', pcm))).toEqual({ event: 'media', streamSid: 'MZ1', media: { payload: b64(muLawEncode(pcm)) } });
    expect(JSON.parse(exotel.media('e1', pcm))).toEqual({ event: 'media', stream_sid: 'e1', media: { payload: b64(pcmToBytes(pcm)) } });
    expect(JSON.parse(exotel.clear('e1'))).toEqual({ event: 'clear', stream_sid: 'e1' });
    expect(JSON.parse(twilio.mark('MZ1', 'end'))).toEqual({ event: 'mark', streamSid: 'MZ1', mark: { name: 'end' } });
    expect(JSON.parse(plivo.media('s1', pcm))).toEqual({ event: 'playAudio', media: { contentType: 'audio/x-mulaw', sampleRate: 8000, payload: b64(muLawEncode(pcm)) } });
    expect(JSON.parse(plivo.mark('s1', 'end'))).toEqual({ event: 'checkpoint', streamId: 's1', name: 'end' });
    expect(JSON.parse(plivo.clear('s1'))).toEqual({ event: 'clearAudio', streamId: 's1' });
  });
});
