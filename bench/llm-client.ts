/**
 * What the guarded outbound client costs a model call: the real AI SDK `streamText` against the fake
 * model server at zero latency (test/fakes/llm-server), through `createLlmFetch` (address check, pinned
 * connection, no pooling: a new TCP connection per call) vs. Node's own `fetch` (keep-alive pool).
 * Reports time to the first text delta and to the end of the stream, per call, in alternating blocks so
 * neither arm runs on a warmer process. `npx tsx bench/llm-client.ts` (BENCH_LLM_CALLS, default 400).
 */
import { streamText } from 'ai';
import { createLanguageModel, createLlmFetch, type LlmFetch } from '../src/platform/llm/index.js';
import { startFakeLlm } from '../test/fakes/llm-server/index.js';
import { machineInfo, mdTable, percentile } from './lib/stats.js';

const CALLS = Number(process.env.BENCH_LLM_CALLS ?? 400);
const BLOCK = 25;

async function main(): Promise<void> {
  const llm = await startFakeLlm({ zeroLatency: true });
  llm.respond(() => ({ text: 'Sure, I can help with that. What is your order number?', chunks: 8 }));
  const arms: Record<string, LlmFetch> = { guarded: createLlmFetch({ allowPrivateNetwork: true }), 'node fetch': globalThis.fetch };
  const samples: Record<string, { first: number[]; total: number[] }> = {};
  for (const name of Object.keys(arms)) samples[name] = { first: [], total: [] };

  const once = async (fetch: LlmFetch) => {
    const model = createLanguageModel({ kind: 'openai_compatible', base_url: llm.urls.openai, model: 'm' }, { fetch });
    const start = performance.now();
    let first = 0;
    const result = streamText({ model, prompt: 'hi', maxRetries: 0 });
    for await (const _ of result.textStream) if (!first) first = performance.now() - start;
    return { first, total: performance.now() - start };
  };
  for (const fetch of Object.values(arms)) for (let i = 0; i < 20; i++) await once(fetch); // warm-up
  for (let done = 0; done < CALLS; done += BLOCK) {
    for (const [name, fetch] of Object.entries(arms)) {
      for (let i = 0; i < BLOCK; i++) {
        const s = await once(fetch);
        samples[name]!.first.push(s.first);
        samples[name]!.total.push(s.total);
      }
    }
  }
  await llm.close();
  const ms = (v: number) => v.toFixed(2);
  console.log(`${CALLS} calls per arm, ${JSON.stringify(machineInfo())}`);
  console.log(mdTable(['fetch', 'first delta p50 (ms)', 'p99', 'stream end p50 (ms)', 'p99'],
    Object.entries(samples).map(([name, s]) => [name, ms(percentile(s.first, 50)), ms(percentile(s.first, 99)), ms(percentile(s.total, 50)), ms(percentile(s.total, 99))])));
}

await main();
