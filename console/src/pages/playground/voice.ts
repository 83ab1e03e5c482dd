import { startVoiceAudio } from '../../../../widget/voice-audio';
import { api, unwrap } from '../../api/client';

export interface VoiceEvents {
  onSession(id: string): void;
  onLine(role: string, text: string): void;
  onEnded(reason: string): void;
  onError(message: string): void;
}

export interface VoiceHandle {
  /** A typed message during the call (answered aloud too). */
  say(text: string): void;
  /** Hangs up: the session ends as a caller hang-up. */
  stop(): void;
}

/**
 * A voice conversation from the playground (docs/widget.md "The console's voice URL"): the microphone and
 * speaker through the widget's own audio module (widget/voice-audio.ts, shared with /widget.js), over the
 * widget WebSocket opened with a single-use console voice URL (POST /sessions/voice-url: test mode, no
 * channel). The microphone is opened first, while the click still counts as a user gesture.
 */
export async function startVoice(target: { agent_id: string } | { flow_id: string }, ev: VoiceEvents): Promise<VoiceHandle> {
  let ws: WebSocket | null = null;
  let ready = false;
  const audio = await startVoiceAudio({
    workletUrl: '/widget/capture-worklet.js',
    send: (frame) => {
      if (ready && ws?.readyState === WebSocket.OPEN) ws.send(frame);
    },
  });
  let url: string;
  try {
    url = (await unwrap(api.POST('/api/v1/sessions/voice-url', { body: target }))).url;
  } catch (err) {
    audio.stop();
    throw err;
  }
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    audio.stop();
    ev.onEnded(reason);
  };
  const socket = new WebSocket(url);
  ws = socket;
  socket.binaryType = 'arraybuffer';
  socket.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
    if (typeof e.data !== 'string') return audio.play(e.data);
    const f = JSON.parse(e.data) as { type: string; id?: string; role?: string; text?: string; final?: boolean; reason?: string; message?: string };
    if (f.type === 'session') {
      ready = true;
      ev.onSession(String(f.id));
    } else if (f.type === 'message') ev.onLine(String(f.role), String(f.text));
    else if (f.type === 'transcript' && f.final) ev.onLine('user', String(f.text));
    else if (f.type === 'clear') audio.clear();
    else if (f.type === 'ended') end(String(f.reason));
    else if (f.type === 'error') ev.onError(String(f.message));
  };
  socket.onclose = (e) => end(e.code === 1008 ? 'refused' : 'disconnected');
  return {
    say: (text) => socket.send(JSON.stringify({ type: 'message', text })),
    stop: () => {
      socket.close(1000);
      end('caller_hangup');
    },
  };
}
