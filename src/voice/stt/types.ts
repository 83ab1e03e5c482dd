/**
 * Streaming speech-to-text. A session lives as long as a call; it decodes one caller utterance at a
 * time (the transport's VAD decides where an utterance ends and calls `finish`), and its recognition can
 * be constrained per prompt with `setGrammar`.
 */

/**
 * What the next caller input should look like. The same shape as the session runtime's
 * `await_input.grammar` (src/pipeline/types.ts InputGrammar), restated here because voice imports no
 * pipeline code; TypeScript checks the two stay compatible where the transport passes one as the other.
 */
export type RecognitionGrammar =
  | { kind: 'free' }
  | { kind: 'digits'; min?: number; max?: number }
  | { kind: 'yes_no' }
  | { kind: 'number' }
  | { kind: 'email' }
  | { kind: 'phone' }
  | { kind: 'date' }
  | { kind: 'choices'; choices: Array<{ label: string; examples: string[] }> }
  | { kind: 'dtmf'; keys: string[] };

/** Text that free speech is likely to use: the agent's prompt, flow texts, assigned knowledge. */
export interface DomainText {
  texts: readonly string[];
}

export interface SttStartOptions {
  /** Rate of the PCM written: 8000 (phone, after μ-law decoding) or 16000 (widget). */
  sampleRate: number;
  grammar?: RecognitionGrammar;
  /** For free speech (no grammar or `free`): the vocabulary to expect. */
  languageModel?: DomainText;
  /** Called with the best hypothesis so far while the caller speaks (about every 100 ms of audio). */
  onPartial?: (partial: { text: string }) => void;
}

export interface SttResult {
  text: string;
  /** 0..1; the engine's own posterior where it has one. */
  confidence: number;
  /** Time from `finish` to the result (the decoding not already done while audio streamed). */
  finalizeMs: number;
}

export interface SttSession {
  /** Audio of the current utterance (PCM Int16 mono at the session's rate); starts one if none is open. */
  write(pcm: Int16Array): void;
  /** Ends the current utterance and returns its transcript ('' when nothing was recognized). */
  finish(): Promise<SttResult>;
  /** Constrains the next utterance (the prompt changed); free speech uses `languageModel`. */
  setGrammar(grammar: RecognitionGrammar, languageModel?: DomainText): Promise<void>;
  close(): void;
}

export interface SttEngine {
  readonly name: string;
  start(options: SttStartOptions): Promise<SttSession>;
  /** Releases pooled decoders. */
  close(): Promise<void>;
}
