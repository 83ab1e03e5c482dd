/** What a test scripts the fake model to answer, and what the fake records about each request. */

export type FakeLlmProtocol = 'openai' | 'anthropic' | 'google';

export interface FakeToolCall {
  /** Defaults to `call_<n>`. */
  id?: string;
  name: string;
  /** An object is sent as its JSON text; a string is sent as is (so a test can send broken JSON). */
  arguments: Record<string, unknown> | string;
}

interface Timing {
  /** Chunks a streamed reply is cut into (default: one per word, at most 8). */
  chunks?: number;
  /** Wait before each chunk after the first. */
  chunkDelayMs?: number;
  /** Wait before the first byte of the reply (time to first token). */
  firstTokenDelayMs?: number;
}

export type FakeReply =
  | ({ text: string; toolCalls?: undefined; hangAfterChunks?: number } & Timing)
  | ({ toolCalls: FakeToolCall[]; text?: string } & Timing)
  /** An HTTP error with an optional JSON body (default `{error:{message}}`) and headers (e.g. retry-after). */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Accepts the request and never answers (for timeouts); the socket closes with the server. */
  | { hang: true };

export interface FakeLlmRequest {
  protocol: FakeLlmProtocol;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The key the request carried: `Authorization: Bearer|Token …`, `x-api-key`, `x-goog-api-key` or `xi-api-key`. */
  apiKey: string | undefined;
  model: string | undefined;
  stream: boolean;
  /** The parsed JSON body (undefined for GET). */
  body: Record<string, unknown> | undefined;
  /** The conversation as sent (OpenAI `messages`, Anthropic `messages` + `system`, Google `contents`). */
  messages: unknown[];
  /** Names of the tools the model was offered. */
  tools: string[];
}

export type FakeResponder = (request: FakeLlmRequest) => FakeReply | Promise<FakeReply>;
