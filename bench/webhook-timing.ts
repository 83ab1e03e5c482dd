/**
 * Does the inbound webhook endpoint reveal which channel ids exist through its timing? Sends, over real
 * HTTP on 127.0.0.1, a Twilio callback with a bad signature to an EXISTING channel and the same callback
 * to an UNKNOWN channel id, interleaved in random order, and prints medians, spread and the AUC (the
 * probability that a random "existing" sample is slower than a random "unknown" one: 0.5 means an
 * observer cannot tell them apart; near 1.0 means clearly separable).
 *
 * Database as in the tests: in-memory PGlite, or PostgreSQL when DATABASE_URL/MIGRATION_DATABASE_URL
 * point at a migrated database (`test/global-setup.ts` creates the roles).
 *
 *   npx tsx bench/webhook-timing.ts            # n = 200 per path (WEBHOOK_TIMING_N)
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createOrg } from '../test/helpers/api.js';
import { modeName } from '../test/helpers/harness.js';
import { createChannel, PUBLIC_URL, startChannelsHarness } from '../test/channels/support.js';
import { twilioCallback, twilioInboundCall, withBadSignature, type SignedCallback } from '../test/fakes/provider-sim/index.js';
import { OUR_NUMBER, twilioCreds } from '../test/fakes/provider-sim/fixtures.js';
import { percentile } from './lib/stats.js';

const N = Number(process.env.WEBHOOK_TIMING_N ?? 200);
const WARMUP = 50;

/** Probability that a sample of `a` exceeds one of `b` (ties count half): the Mann–Whitney AUC. */
function auc(a: number[], b: number[]): number {
  let wins = 0;
  for (const x of a) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
  return wins / (a.length * b.length);
}

async function main(): Promise<void> {
  const h = await startChannelsHarness();
  await h.t.app.listen({ port: 0, host: '127.0.0.1' });
  const local = `http://127.0.0.1:${(h.t.app.server.address() as AddressInfo).port}`;
  try {
    const org = await createOrg(h.t.app, 'Timing');
    const channel = await createChannel(h.t.app, org.tokens.admin, { name: 'tw', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER });
    const params = twilioInboundCall({ accountSid: twilioCreds.account_sid, from: '+15550001', to: OUR_NUMBER });
    const existing = withBadSignature(twilioCallback(channel.webhook_url as string, params, twilioCreds.auth_token));
    const unknownUrl = (channel.webhook_url as string).replace(channel.id as string, randomUUID());
    const unknown = withBadSignature(twilioCallback(unknownUrl, params, twilioCreds.auth_token));

    const send = async (cb: SignedCallback): Promise<number> => {
      const started = performance.now();
      const res = await fetch(cb.url.replace(PUBLIC_URL, local), { method: 'POST', headers: cb.headers, body: cb.body });
      await res.arrayBuffer();
      const ms = performance.now() - started;
      if (res.status !== 403) throw new Error(`expected 403, got ${res.status}`);
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) { await send(existing); await send(unknown); }
    const samples = { existing: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < N; i++) {
      const order = Math.random() < 0.5 ? (['existing', 'unknown'] as const) : (['unknown', 'existing'] as const);
      for (const which of order) samples[which].push(await send(which === 'existing' ? existing : unknown));
    }
    const fmt = (xs: number[]) => `median ${percentile(xs, 50).toFixed(2)} ms (p10 ${percentile(xs, 10).toFixed(2)}, p90 ${percentile(xs, 90).toFixed(2)})`;
    console.log(`webhook timing, ${modeName}, n = ${N} per path, bad Twilio signature`);
    console.log(`  existing channel: ${fmt(samples.existing)}`);
    console.log(`  unknown channel:  ${fmt(samples.unknown)}`);
    console.log(`  difference of medians: ${(percentile(samples.existing, 50) - percentile(samples.unknown, 50)).toFixed(2)} ms; AUC ${auc(samples.existing, samples.unknown).toFixed(2)} (0.5 = indistinguishable)`);
  } finally {
    await h.close();
  }
}

await main();
