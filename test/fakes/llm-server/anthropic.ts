/** Anthropic Messages API wire format (`POST /v1/messages`), streamed or not. */
import type { ServerResponse } from 'node:http';
import { isGone, openSse, sendJson, sleep, splitArguments, splitText } from './chunks.js';
import type { FakeReply, FakeToolCall } from './types.js';

type Answer = Extract<FakeReply, { text: string } | { toolCalls: FakeToolCall[] }>;

let sequence = 0;

function blocks(reply: Answer) {
  const text = reply.text ? [{ type: 'text', text: reply.text }] : [];
  const tools = (reply.toolCalls ?? []).map((c) => ({
    type: 'tool_use',
    id: c.id ?? `toolu_${++sequence}`,
    name: c.name,
    input: typeof c.arguments === 'string' ? JSON.parse(c.arguments) as unknown : c.arguments,
  }));
  return [...text, ...tools];
}

export function anthropicMessage(res: ServerResponse, model: string, reply: Answer): void {
  sendJson(res, 200, {
    id: `msg_${++sequence}`, type: 'message', role: 'assistant', model,
    content: blocks(reply),
    stop_reason: reply.toolCalls?.length ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 1 },
  });
}

export async function anthropicStream(res: ServerResponse, model: string, reply: Answer, zero: boolean): Promise<void> {
  const send = (event: string, data: Record<string, unknown>) => {
    if (!isGone(res)) res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  await sleep(reply.firstTokenDelayMs, zero);
  if (isGone(res)) return;
  openSse(res);
  send('message_start', { message: { id: `msg_${++sequence}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 0 } } });
  let index = 0;
  if (reply.text) {
    send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const [i, piece] of splitText(reply.text, reply.chunks).entries()) {
      if (i > 0) await sleep(reply.chunkDelayMs, zero);
      send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    }
    send('content_block_stop', { index: index++ });
  }
  for (const call of reply.toolCalls ?? []) {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    send('content_block_start', { index, content_block: { type: 'tool_use', id: call.id ?? `toolu_${++sequence}`, name: call.name, input: {} } });
    for (const fragment of splitArguments(args)) send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: fragment } });
    send('content_block_stop', { index: index++ });
  }
  send('message_delta', { delta: { stop_reason: reply.toolCalls?.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } });
  send('message_stop', {});
  if (!isGone(res)) res.end();
}

export function anthropicError(status: number, message: string) {
  return { type: 'error', error: { type: status === 401 ? 'authentication_error' : 'api_error', message } };
}
