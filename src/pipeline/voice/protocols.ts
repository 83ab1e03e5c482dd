/**
 * The providers' bidirectional media-stream protocols (JSON text frames over a WebSocket), reduced to
 * what the voice loop needs. docs/voice.md has the exchanges step by step.
 *
 * - Twilio Media Streams (`<Connect><Stream>`): connected, start{streamSid, callSid, customParameters},
 *   media{payload: base64 μ-law 8 kHz}, dtmf{digit}, mark{name}, stop; we send media, mark and clear.
 * - Plivo audio streams (`<Stream bidirectional="true">`): start{streamId, callId}, media, dtmf, stop;
 *   we send playAudio{media{contentType, sampleRate, payload}}, checkpoint and clearAudio.
 * - Exotel voicebot (Voicebot applet): connected, start{stream_sid, call_sid}, media{payload: base64
 *   16-bit PCM LE 8 kHz ("raw/slin")}, dtmf, mark, stop; we send media, mark and clear.
 */
import { muLawDecode, muLawEncode } from '../../voice/media/mulaw.js';
import { pcmFromBytes, pcmToBytes } from '../../voice/media/pcm.js';

export type StreamEvent =
  | { type: 'start'; streamId: string; providerCallId: string | null }
  | { type: 'media'; pcm: Int16Array }
  | { type: 'dtmf'; digit: string }
  | { type: 'mark'; name: string }
  | { type: 'stop' }
  | { type: 'other' };

export interface StreamProtocol {
  readonly provider: 'twilio' | 'plivo' | 'exotel';
  readonly sampleRate: 8000;
  /** A received text frame; null when it is not valid JSON of this protocol. */
  parse(frame: string): StreamEvent | null;
  media(streamId: string, pcm: Int16Array): string;
  clear(streamId: string): string;
  mark(streamId: string, name: string): string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null);

function parseJson(frame: string): Json | null {
  try {
    const v = JSON.parse(frame) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

const fromBase64 = (payload: unknown): Uint8Array | null => (typeof payload === 'string' ? new Uint8Array(Buffer.from(payload, 'base64')) : null);
const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * What tells one provider's stream from another's: every protocol has start, media, dtmf and stop
 * frames of the same shape, so only field names, the audio encoding, the played-audio acknowledgement
 * and the frames we send differ.
 */
interface Dialect {
  provider: StreamProtocol['provider'];
  /** The field naming the stream (on the frame or inside `start`) and the call (inside `start`). */
  streamKey: string;
  callKey: string;
  decode(bytes: Uint8Array): Int16Array;
  /** The event acknowledging that our audio up to a marker played, and where the marker's name is. */
  markEvent: string;
  markName(frame: Json): unknown;
  frames: Pick<StreamProtocol, 'media' | 'clear' | 'mark'>;
}

function parseFrame(d: Dialect, frame: string): StreamEvent | null {
  const m = parseJson(frame);
  if (!m) return null;
  switch (m.event) {
    case 'start': {
      const start = obj(m.start);
      const streamId = str(m[d.streamKey]) ?? str(start[d.streamKey]);
      return streamId ? { type: 'start', streamId, providerCallId: str(start[d.callKey]) } : null;
    }
    case 'media': {
      const media = obj(m.media);
      // Only the inbound track is the caller (Twilio's <Connect><Stream> sends nothing else).
      if (media.track !== undefined && media.track !== 'inbound') return { type: 'other' };
      const bytes = fromBase64(media.payload);
      return bytes ? { type: 'media', pcm: d.decode(bytes) } : null;
    }
    case 'dtmf': {
      const digit = str(obj(m.dtmf).digit);
      return digit ? { type: 'dtmf', digit } : null;
    }
    case 'stop':
      return { type: 'stop' };
    case d.markEvent:
      return { type: 'mark', name: str(d.markName(m)) ?? '' };
    default:
      return { type: 'other' };
  }
}

const protocolOf = (d: Dialect): StreamProtocol => ({ provider: d.provider, sampleRate: 8000, parse: (frame) => parseFrame(d, frame), ...d.frames });

/** Twilio and Exotel send the same frames; they differ in field case and audio encoding. */
function twilioLike(provider: 'twilio' | 'exotel'): StreamProtocol {
  const sid = provider === 'twilio' ? 'streamSid' : 'stream_sid';
  const encode = provider === 'twilio' ? muLawEncode : pcmToBytes;
  return protocolOf({
    provider,
    streamKey: sid,
    callKey: provider === 'twilio' ? 'callSid' : 'call_sid',
    decode: provider === 'twilio' ? muLawDecode : (b) => pcmFromBytes(b),
    markEvent: 'mark',
    markName: (m) => obj(m.mark).name,
    frames: {
      media: (streamId, pcm) => JSON.stringify({ event: 'media', [sid]: streamId, media: { payload: toBase64(encode(pcm)) } }),
      clear: (streamId) => JSON.stringify({ event: 'clear', [sid]: streamId }),
      mark: (streamId, name) => JSON.stringify({ event: 'mark', [sid]: streamId, mark: { name } }),
    },
  });
}

const plivo = protocolOf({
  provider: 'plivo',
  streamKey: 'streamId',
  callKey: 'callId',
  decode: muLawDecode,
  markEvent: 'playedStream',
  markName: (m) => m.name,
  frames: {
    media: (_streamId, pcm) => JSON.stringify({ event: 'playAudio', media: { contentType: 'audio/x-mulaw', sampleRate: 8000, payload: toBase64(muLawEncode(pcm)) } }),
    clear: (streamId) => JSON.stringify({ event: 'clearAudio', streamId }),
    mark: (streamId, name) => JSON.stringify({ event: 'checkpoint', streamId, name }),
  },
});

export const STREAM_PROTOCOLS: Record<'twilio' | 'plivo' | 'exotel', StreamProtocol> = { twilio: twilioLike('twilio'), plivo, exotel: twilioLike('exotel') };
