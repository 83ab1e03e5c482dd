/**
 * `converse call-sim`: phones a running server's Twilio voice channel as a simulated caller. It plays
 * Twilio: signs the inbound-call webhook with the channel's auth token, opens the media stream the
 * answer returns, says the scripted lines (espeak-ng, μ-law 8 kHz, in real time), presses keys, and
 * prints what the agent says (pocketsphinx, primed with the `--expect` lines when given).
 *
 *   converse call-sim --webhook https://example.com/api/v1/webhooks/twilio/<channel id> --auth-token … \
 *     --server http://127.0.0.1:3000 --press 1 --say "eight" --say "yes" --expect "How many boxes?"
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from './config.js';
import { computeTwilioSignature, TWILIO_SIGNATURE_HEADER } from './telephony/signatures.js';
import { SimulatedCaller } from './voice/sim/caller.js';
import { createPocketsphinxEngine } from './voice/stt/pocketsphinx.js';
import { createEspeakEngine } from './voice/tts/espeak.js';

export const CALL_SIM_USAGE = `converse call-sim --webhook <voice webhook URL of a Twilio channel> --auth-token <its auth token>
  [--server <base URL where the server listens, if the webhook URL is a public one>]
  [--from +15557654321] [--to <the channel's number>] [--account-sid AC…]
  then the script, in order: --say "<line>" | --press <keys> | --wait <seconds>
  [--expect "<a line the agent may say>"]...   primes the transcription of the agent's audio`;

type Step = { say: string } | { press: string } | { wait: number };

export interface CallSimOptions {
  webhook: string;
  authToken: string;
  server: string | undefined;
  from: string;
  to: string;
  accountSid: string;
  steps: Step[];
  expect: string[];
}

export function parseCallSimArgs(argv: readonly string[]): CallSimOptions {
  const o: Partial<CallSimOptions> & { steps: Step[]; expect: string[] } = { steps: [], expect: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--help') throw new ConfigError(CALL_SIM_USAGE);
    if (value === undefined) throw new ConfigError(`${flag} needs a value\n\n${CALL_SIM_USAGE}`);
    i++;
    switch (flag) {
      case '--webhook': o.webhook = value; break;
      case '--auth-token': o.authToken = value; break;
      case '--server': o.server = value.replace(/\/+$/, ''); break;
      case '--from': o.from = value; break;
      case '--to': o.to = value; break;
      case '--account-sid': o.accountSid = value; break;
      case '--say': o.steps.push({ say: value }); break;
      case '--press': o.steps.push({ press: value }); break;
      case '--wait': o.steps.push({ wait: Number(value) }); break;
      case '--expect': o.expect.push(value); break;
      default: throw new ConfigError(`unknown option: ${flag}\n\n${CALL_SIM_USAGE}`);
    }
  }
  if (!o.webhook || !o.authToken) throw new ConfigError(CALL_SIM_USAGE);
  return { webhook: o.webhook, authToken: o.authToken, server: o.server, from: o.from ?? '+15557654321', to: o.to ?? '+15550000000', accountSid: o.accountSid ?? `AC${'0'.repeat(32)}`, steps: o.steps, expect: o.expect };
}

export async function runCallSim(o: CallSimOptions, out: NodeJS.WritableStream): Promise<void> {
  const publicOrigin = new URL(o.webhook).origin;
  const reach = (url: string) => (o.server ? url.replace(publicOrigin, o.server).replace(publicOrigin.replace(/^http/, 'ws'), o.server.replace(/^http/, 'ws')) : url);
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const params = { AccountSid: o.accountSid, ApiVersion: '2010-04-01', CallSid: callSid, CallStatus: 'ringing', Direction: 'inbound', From: o.from, To: o.to, Caller: o.from, Called: o.to };
  const res = await fetch(reach(o.webhook), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', [TWILIO_SIGNATURE_HEADER]: computeTwilioSignature(o.authToken, o.webhook, params) },
    body: new URLSearchParams(params).toString(),
  });
  const answer = await res.text();
  const stream = /<Stream url="([^"]+)"/.exec(answer)?.[1]?.replace(/&amp;/g, '&');
  if (res.status !== 200 || !stream) throw new Error(`the voice webhook did not open a media stream (HTTP ${res.status}): ${answer.slice(0, 300)}`);
  const tts = createEspeakEngine();
  const stt = createPocketsphinxEngine({ freeSpeech: 'word_loop' });
  const caller = await SimulatedCaller.connect({ url: reach(stream), provider: 'twilio', providerCallId: callSid, tts });
  let heard = 0;
  const listen = async () => {
    const said = await caller.agentSays({ since: heard, timeoutMs: 30_000 }).catch(() => []);
    heard = caller.utterances.length;
    for (const u of said) {
      const text = o.expect.length ? await SimulatedCaller.transcribe(stt, u.pcm, o.expect) : '';
      out.write(`agent: ${text || '(speech)'} [${(u.pcm.length / 8000).toFixed(1)} s of audio]\n`);
    }
  };
  try {
    await listen();
    for (const step of o.steps) {
      if (!caller.isOpen) break;
      if ('say' in step) {
        out.write(`caller: ${step.say}\n`);
        await caller.say(step.say);
      } else if ('press' in step) {
        out.write(`caller presses: ${step.press}\n`);
        for (const key of step.press) caller.press(key);
      } else {
        await new Promise((r) => setTimeout(r, step.wait * 1000));
        continue;
      }
      await listen();
    }
    // The agent may be ending the call: its last words play out before it hangs up.
    const agentHungUp = await Promise.race([caller.closed.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000))]);
    if (agentHungUp) out.write('the agent hung up\n');
    else await caller.hangup();
  } finally {
    await stt.close();
  }
}
