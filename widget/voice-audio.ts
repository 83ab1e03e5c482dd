/**
 * Voice in the browser, shared by the widget (widget.ts) and the console playground: the microphone as
 * 20 ms binary frames of PCM Int16 LE 16 kHz mono (an AudioWorklet, ./capture-worklet.ts, served by the
 * Converse server so a page's CSP only needs to allow the widget's origin for scripts), and the agent's
 * audio frames (same format) played back to back without gaps; `clear` drops what is queued (barge-in).
 *
 * @example
 *   const audio = await startVoiceAudio({ workletUrl: '/widget/capture-worklet.js', send: (f) => ws.send(f) });
 *   ws.onmessage = (e) => typeof e.data === 'string' ? … : audio.play(e.data);
 */
export const VOICE_SAMPLE_RATE = 16_000;
/** Agent audio starts this far ahead of now, so a frame arriving a little late still plays without a gap. */
const LEAD_SECONDS = 0.08;

export interface VoiceAudio {
  /** One binary frame of agent audio (PCM Int16 LE 16 kHz), played after what is queued. */
  play(frame: ArrayBuffer): void;
  /** Stops the agent's audio now and drops what is queued. */
  clear(): void;
  /** Releases the microphone and the audio context. */
  stop(): void;
}

export async function startVoiceAudio(opts: { workletUrl: string; send(frame: ArrayBuffer): void }): Promise<VoiceAudio> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  const ctx = new AudioContext();
  const release = () => {
    for (const t of stream.getTracks()) t.stop();
    void ctx.close();
  };
  let capture: AudioWorkletNode;
  try {
    await ctx.audioWorklet.addModule(opts.workletUrl);
    capture = new AudioWorkletNode(ctx, 'converse-capture');
    if (ctx.state === 'suspended') await ctx.resume();
  } catch (err) {
    release();
    throw err;
  }
  capture.port.onmessage = (e: MessageEvent<ArrayBuffer>) => opts.send(e.data);
  const source = ctx.createMediaStreamSource(stream);
  // Pulled through a silent gain to the output: a node nothing listens to may not be processed.
  const mute = ctx.createGain();
  mute.gain.value = 0;
  source.connect(capture).connect(mute).connect(ctx.destination);

  const playing = new Set<AudioBufferSourceNode>();
  let next = 0;
  const clear = () => {
    for (const node of playing) node.stop();
    playing.clear();
    next = 0;
  };
  return {
    play(frame) {
      const view = new DataView(frame);
      const n = Math.floor(frame.byteLength / 2);
      if (n === 0) return;
      const buffer = ctx.createBuffer(1, n, VOICE_SAMPLE_RATE);
      const data = buffer.getChannelData(0);
      for (let i = 0; i < n; i++) data[i] = view.getInt16(i * 2, true) / 32768;
      const node = ctx.createBufferSource();
      node.buffer = buffer;
      node.connect(ctx.destination);
      const at = Math.max(next, ctx.currentTime + LEAD_SECONDS);
      node.start(at);
      next = at + buffer.duration;
      playing.add(node);
      node.onended = () => playing.delete(node);
    },
    clear,
    stop() {
      clear();
      capture.port.onmessage = null;
      source.disconnect();
      release();
    },
  };
}
