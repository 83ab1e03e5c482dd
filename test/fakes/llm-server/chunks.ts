/** Splits a reply into streamed pieces and waits between them (unless the fake runs at zero latency). */
import type { ServerResponse } from 'node:http';

/** Whole words grouped into `chunks` pieces (default: up to 8); by characters when there are fewer words. */
export function splitText(text: string, chunks: number | undefined): string[] {
  if (text === '') return [];
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const n = Math.max(1, chunks ?? Math.min(words.length, 8));
  const pieces = words.length >= n ? words : [...text];
  const count = Math.min(n, pieces.length);
  return Array.from({ length: count }, (_, i) =>
    pieces.slice(Math.floor((i * pieces.length) / count), Math.floor(((i + 1) * pieces.length) / count)).join(''));
}

/** Splits a JSON text into up to three fragments, as real servers stream tool-call arguments. */
export function splitArguments(json: string): string[] {
  if (json.length < 3) return [json];
  const a = Math.floor(json.length / 3);
  return [json.slice(0, a), json.slice(a, 2 * a), json.slice(2 * a)];
}

export function sleep(ms: number | undefined, zero: boolean): Promise<void> {
  if (zero || !ms) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True once the client went away (aborted or timed out): stop writing. */
export function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function openSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}
