/**
 * A local OpenAI-compatible `/embeddings` server (127.0.0.1 only) for tests. Vectors are hashed character
 * trigrams of each word, so texts sharing words or word fragments (typos included) are similar — enough
 * to tell whether vector search took part, not a model of meaning.
 */
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';

export const FAKE_DIMS = 128;

export function trigramVector(text: string, dims = FAKE_DIMS): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]{3,}/g) ?? []) {
    const w = `#${word}#`;
    for (let i = 0; i + 3 <= w.length; i++) {
      let h = 2166136261;
      for (const ch of w.slice(i, i + 3)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
      v[(h >>> 0) % dims]! += 1;
    }
  }
  if (!v.some((x) => x !== 0)) v[0] = 1;
  return v;
}

export interface FakeEmbeddings extends TestServer {
  /** failWith: answer every request with this status (500 = an outage); null = normal. */
  state: { failWith: number | null; inputsSeen: number };
}

export async function startFakeEmbeddings(): Promise<FakeEmbeddings> {
  const state = { failWith: null as number | null, inputsSeen: 0 };
  const server = await startHttpServer((req, res, body) => {
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return void res.writeHead(404).end();
    if (state.failWith) {
      // Echoes the key, as careless providers do: the client must never repeat a response body.
      return void res.writeHead(state.failWith, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `bad key ${req.headers.authorization}` }));
    }
    const { input, model } = JSON.parse(body) as { input: string[]; model: string };
    state.inputsSeen += input.length;
    // Reversed on purpose: clients must order by `index`, not by position.
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: trigramVector(text) })).reverse();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', model, data }));
  });
  return Object.assign(server, { state });
}
