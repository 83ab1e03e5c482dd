/**
 * What the voice loop (./call.ts) needs from a media transport: a phone provider's media stream
 * (Twilio, Plivo, Exotel: μ-law 8 kHz) or the widget's PCM frames (16 kHz). The transport decodes what
 * it receives into PCM Int16 at `sampleRate` and calls the loop; the loop calls back with agent audio.
 */
export interface VoiceTransport {
  /** Rate of the PCM exchanged with the loop, both ways: 8000 (phone) or 16000 (widget). */
  readonly sampleRate: number;
  /** Agent audio, in order; the far end plays it in real time. */
  sendAudio(pcm: Int16Array): void;
  /** Barge-in: the far end drops the agent audio it has buffered. */
  clearAudio(): void;
  /** Ends the call from our side (the agent ended the session, or a limit did), after its audio played. */
  hangup(reason: string): void;
  /** A transfer the session asked for (the provider's transfer). Optional: without it the call just ends. */
  transfer?(to: { phone_number?: string | undefined; queue?: string | undefined }): Promise<TransferOutcome>;
}

/**
 * How a transfer went: `moved`, the provider took the call elsewhere (its stream ends by itself);
 * `hand_back`, we close the stream and the provider's own call flow carries the call on (Exotel);
 * `none`, no transfer (no number, or the provider cannot): the call ends like any other.
 */
export type TransferOutcome = 'moved' | 'hand_back' | 'none';
