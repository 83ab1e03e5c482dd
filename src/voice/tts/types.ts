/** Streaming text-to-speech: audio starts before the whole text is synthesized. */
export interface TtsOptions {
  /** Engine-specific voice name; the engine's default when absent. */
  voice?: string;
  /** Output sample rate: 8000 for phone streams, 16000 for the widget. */
  sampleRate: number;
}

/** PCM Int16 mono chunks at the requested rate, in order; `cancel` stops synthesis and ends the stream. */
export interface TtsStream extends AsyncIterable<Int16Array> {
  cancel(): void;
}

export interface TtsEngine {
  readonly name: string;
  synthesize(text: string, options: TtsOptions): TtsStream;
}
