/** OpenAI Chat Completions wire format (also what openai_compatible servers speak). */
import type { ServerResponse } from 'node:http';
import { isGone, openSse, sendJson, sleep, splitArguments, splitText } from './chunks.js';
import type { FakeReply, FakeToolCall } from './types.js';

type Answer = Extract<FakeReply, { text: string } | { toolCalls: FakeToolCall[] }>;

let sequence = 0;

function toolCallsOf(reply: Answer): Array<{ id: string; name: string; args: string }> {
  return (reply.toolCalls ?? []).map((c) => ({
    id: c.id ?? `call_${++sequence}`,
    name: c.name,
    args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
  }));
}

function usage(reply: Answer) {
  const completion = Math.max(1, Math.ceil((reply.text ?? '').length / 4));
  return { prompt_tokens: 10, completion_tokens: completion, total_tokens: 10 + completion };
}

export function openAiCompletion(res: ServerResponse, model: string, reply: Answer): void {
  const calls = toolCallsOf(reply);
  sendJson(res, 200, {
    id: `chatcmpl-${++sequence}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{
      index: 0,
      message: {
        role: 'assistant',
        content: reply.text ?? null,
        ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) } : {}),
      },
      finish_reason: calls.length ? 'tool_calls' : 'stop',
    }],
    usage: usage(reply),
  });
}

export async function openAiStream(res: ServerResponse, model: string, reply: Answer, zero: boolean): Promise<void> {
  const id = `chatcmpl-${++sequence}`;
  const created = Math.floor(Date.now() / 1000);
  const write = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => {
    if (isGone(res)) return;
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
  };
  await sleep('firstTokenDelayMs' in reply ? reply.firstTokenDelayMs : 0, zero);
  if (isGone(res)) return;
  openSse(res);
  write({ role: 'assistant', content: '' });
  const pieces = splitText(reply.text ?? '', reply.chunks);
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) await sleep(reply.chunkDelayMs, zero);
    write({ content: piece });
    if (reply.toolCalls === undefined && reply.hangAfterChunks === i + 1) return; // leave the stream open
  }
  for (const [index, call] of toolCallsOf(reply).entries()) {
    write({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
    for (const fragment of splitArguments(call.args)) {
      await sleep(reply.chunkDelayMs, zero);
      write({ tool_calls: [{ index, function: { arguments: fragment } }] });
    }
  }
  write({}, reply.toolCalls?.length ? 'tool_calls' : 'stop', { usage: usage(reply) });
  if (!isGone(res)) res.end('data: [DONE]\n\n');
}

export function openAiError(status: number, message: string) {
  return { error: { message, type: status === 401 ? 'invalid_request_error' : 'server_error', code: status === 401 ? 'invalid_api_key' : null } };
}
