/** Turns an incoming request into a `FakeLlmRequest` (what a test asserts on). */
import type { IncomingMessage } from 'node:http';
import type { FakeLlmProtocol, FakeLlmRequest } from './types.js';

type Json = Record<string, unknown>;

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function apiKeyOf(req: IncomingMessage): string | undefined {
  // Bearer: OpenAI and compatible servers; Token: Deepgram.
  const scheme = /^(?:Bearer|Token) (.+)$/i.exec(req.headers.authorization ?? '');
  if (scheme) return scheme[1];
  const header = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'] ?? req.headers['xi-api-key'];
  return typeof header === 'string' ? header : undefined;
}

function toolNames(protocol: FakeLlmProtocol, body: Json): string[] {
  const tools = array(body.tools) as Json[];
  if (protocol === 'openai') return tools.map((t) => String((t.function as Json | undefined)?.name));
  if (protocol === 'anthropic') return tools.map((t) => String(t.name));
  return tools.flatMap((t) => array(t.functionDeclarations).map((f) => String((f as Json).name)));
}

function messagesOf(protocol: FakeLlmProtocol, body: Json): unknown[] {
  if (protocol === 'google') return [...(body.systemInstruction ? [body.systemInstruction] : []), ...array(body.contents)];
  if (protocol === 'anthropic' && body.system !== undefined) return [{ role: 'system', content: body.system }, ...array(body.messages)];
  return array(body.messages);
}

export function recordRequest(protocol: FakeLlmProtocol, req: IncomingMessage, path: string, body: Json | undefined, model?: string): FakeLlmRequest {
  return {
    protocol,
    method: req.method ?? '',
    path,
    headers: { ...req.headers },
    apiKey: apiKeyOf(req),
    model: model ?? (typeof body?.model === 'string' ? body.model : undefined),
    stream: body?.stream === true || path.includes(':streamGenerateContent'),
    body,
    messages: body ? messagesOf(protocol, body) : [],
    tools: body ? toolNames(protocol, body) : [],
  };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return array(content)
    .map((p) => (p as Json).text)
    .filter((t): t is string => typeof t === 'string')
    .join('');
}

/** The last thing the user said, whatever the protocol (Google's user turns carry `parts`). */
export function lastUserText(request: FakeLlmRequest): string {
  const users = (request.messages as Json[]).filter((m) => m.role === 'user');
  const last = users.at(-1);
  if (!last) return '';
  return textOf(last.content ?? last.parts);
}
