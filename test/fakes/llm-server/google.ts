/** Google Generative Language API wire format (`models/{model}:generateContent` / `:streamGenerateContent?alt=sse`). */
import type { ServerResponse } from 'node:http';
import { isGone, openSse, sendJson, sleep, splitText } from './chunks.js';
import type { FakeReply, FakeToolCall } from './types.js';

type Answer = Extract<FakeReply, { text: string } | { toolCalls: FakeToolCall[] }>;

const usageMetadata = { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 };

function functionCalls(reply: Answer) {
  return (reply.toolCalls ?? []).map((c) => ({
    functionCall: { name: c.name, args: typeof c.arguments === 'string' ? JSON.parse(c.arguments) as unknown : c.arguments },
  }));
}

function candidate(parts: unknown[], finishReason?: string) {
  return { content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}), index: 0 };
}

export function googleGenerate(res: ServerResponse, reply: Answer): void {
  const parts = [...(reply.text ? [{ text: reply.text }] : []), ...functionCalls(reply)];
  sendJson(res, 200, { candidates: [candidate(parts, 'STOP')], usageMetadata });
}

export async function googleStream(res: ServerResponse, reply: Answer, zero: boolean): Promise<void> {
  const send = (body: unknown) => {
    if (!isGone(res)) res.write(`data: ${JSON.stringify(body)}\n\n`);
  };
  await sleep(reply.firstTokenDelayMs, zero);
  if (isGone(res)) return;
  openSse(res);
  for (const [i, piece] of splitText(reply.text ?? '', reply.chunks).entries()) {
    if (i > 0) await sleep(reply.chunkDelayMs, zero);
    send({ candidates: [candidate([{ text: piece }])] });
  }
  const calls = functionCalls(reply);
  send({ candidates: [candidate(calls.length ? calls : [{ text: '' }], 'STOP')], usageMetadata });
  if (!isGone(res)) res.end();
}

export function googleError(status: number, message: string) {
  return { error: { code: status, message, status: status === 401 ? 'UNAUTHENTICATED' : 'UNAVAILABLE' } };
}
