import type { ServerResponse } from 'node:http';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { trigramVector } from '../knowledge/fake-embeddings.js';

/**
 * A local OpenAI-compatible `/embeddings` server (127.0.0.1) that can hold requests unanswered: the
 * moment an ingestion waits on it is a known point "in the middle of the work" for fault tests.
 */
export interface HeldEmbeddings extends TestServer {
  /** While true, requests are held (not answered) until release(). */
  hold: boolean;
  /** Resolves when the next request arrives while holding. */
  nextHeld(): Promise<void>;
  /** Answers every held request normally and stops holding. */
  release(): void;
}

export async function startHeldEmbeddings(): Promise<HeldEmbeddings> {
  const held: Array<{ res: ServerResponse; body: string }> = [];
  let waiters: Array<() => void> = [];
  const answer = (res: ServerResponse, body: string) => {
    if (res.destroyed) return;
    const { input, model } = JSON.parse(body) as { input: string[]; model: string };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', model, data: input.map((t, index) => ({ index, embedding: trigramVector(t) })) }));
  };
  const self: HeldEmbeddings = Object.assign(
    await startHttpServer((_req, res, body) => {
      if (!self.hold) return answer(res, body);
      held.push({ res, body });
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    }),
    {
      hold: true,
      nextHeld: () => new Promise<void>((resolve) => waiters.push(resolve)),
      release() {
        self.hold = false;
        for (const h of held.splice(0)) answer(h.res, h.body);
      },
    },
  );
  const close = self.close.bind(self);
  self.close = async () => {
    for (const h of held.splice(0)) h.res.destroy();
    await close();
  };
  return self;
}
