/** Reading `GET /escalations/stream` in tests: server-sent events over a real socket. */
import http from 'node:http';

export interface SseEvent { event: string; data: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Reads server-sent events from a byte stream, one `next()` at a time. */
export class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>, private readonly disconnect: () => void = () => undefined) {}

  async next(): Promise<SseEvent | null> {
    for (;;) {
      const cut = this.buffer.indexOf('\n\n');
      if (cut >= 0) {
        const block = this.buffer.slice(0, cut);
        this.buffer = this.buffer.slice(cut + 2);
        const lines = block.split('\n').filter((l) => !l.startsWith(':') && !l.startsWith('retry:'));
        if (lines.length === 0) continue; // a heartbeat comment
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        return { event, data: data === undefined ? null : JSON.parse(data) };
      }
      const { value, done } = await this.reader.read();
      if (done) return null;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** Events up to and including the first that matches. */
  async until(match: (e: SseEvent) => boolean): Promise<SseEvent[]> {
    const seen: SseEvent[] = [];
    for (;;) {
      const e = await this.next();
      if (e === null) throw new Error(`stream ended before the expected event; saw ${JSON.stringify(seen.map((s) => s.event))}`);
      seen.push(e);
      if (match(e)) return seen;
    }
  }

  /** The client goes away. */
  cancel = () => this.disconnect();
}

/** One request on a connection of its own (no pool: every stream is its own socket, as a browser's EventSource). */
export const openStream = (port: number, token: string) =>
  new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/api/v1/escalations/stream', agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, resolve).on('error', reject);
  });

export /** A Node stream as a web ReadableStream of bytes. */
function ReadableStreamFromNode(s: NodeJS.ReadableStream): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      s.on('data', (chunk: Buffer | string) => controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk)));
      s.on('end', () => controller.close());
    },
  });
}
