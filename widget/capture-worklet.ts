/**
 * The widget's microphone capture (served as /widget/capture-worklet.js, loaded by voice-audio.ts with
 * audioWorklet.addModule): runs on the audio thread, turns the microphone's float samples at the
 * context's rate into PCM Int16 at 16 kHz (each output sample the mean of the input samples it covers:
 * a cheap low-pass against aliasing) and posts 20 ms frames (320 samples) to the page.
 */
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

const OUT_RATE = 16_000;
const FRAME = OUT_RATE / 50;

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly step = sampleRate / OUT_RATE;
  private pos = 0;
  private sum = 0;
  private count = 0;
  private out = new Int16Array(FRAME);
  private len = 0;

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      this.sum += channel[i]!;
      this.count++;
      if (++this.pos < this.step) continue;
      this.pos -= this.step;
      const v = Math.max(-1, Math.min(1, this.sum / this.count));
      this.sum = 0;
      this.count = 0;
      this.out[this.len++] = v < 0 ? v * 0x8000 : v * 0x7fff;
      if (this.len === FRAME) {
        this.port.postMessage(this.out.buffer, [this.out.buffer]);
        this.out = new Int16Array(FRAME);
        this.len = 0;
      }
    }
    return true;
  }
}

registerProcessor('converse-capture', CaptureProcessor);
