/**
 * What a transport (HTTP JSON/SSE now; widget WebSocket, SMS/WhatsApp threads and phone media streams
 * later) receives while a turn runs. Every callback is optional and must not throw; they are called in
 * order, from the turn's own async flow.
 */
import type { Output } from '../types.js';

export interface SessionSink {
  /** Text as it is produced: agent-turn deltas, and each flow line as one piece. */
  onDelta?(text: string, message: number): void;
  /** Every engine output, in order (say, await_input, transfer, handoff, send_message, end…). */
  onOutput?(output: Output): void;
}
