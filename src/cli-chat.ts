/**
 * `converse chat`: a terminal playground for an agent or a flow. It is a plain client of the public API
 * of a running server (the embedded database belongs to `converse serve`, so the chat never opens it):
 * POST /sessions, then POST /sessions/{id}/messages with `Accept: text/event-stream` per line typed,
 * printing the reply as it streams.
 *
 * Lines starting with `/` are commands: `/dtmf 12#` sends key presses, `/end` ends the session,
 * `/vars` prints the session variables, `/quit` leaves without ending it (it can be continued later
 * with `--session <id>`).
 */
import { createInterface } from 'node:readline';
import { ConfigError } from './config.js';

export interface ChatOptions {
  baseUrl: string;
  apiKey: string | undefined;
  email: string | undefined;
  password: string | undefined;
  agentId: string | undefined;
  flowId: string | undefined;
  sessionId: string | undefined;
  variables: Record<string, string>;
  mode: 'live' | 'test';
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

interface ChatMessage {
  role: string;
  text: string;
}

interface TurnReply {
  messages?: ChatMessage[];
  status?: string;
  variables?: Record<string, unknown>;
  ended_reason?: string | null;
}

const USAGE = `converse chat --agent <id> | --flow <id> | --session <id>
      [--url http://localhost:8080] [--api-key cv_...] [--email you@example.com --password ...]
      [--var name=value ...] [--test]

Credentials: --api-key (or CONVERSE_API_KEY), or --email/--password (or CONVERSE_EMAIL/CONVERSE_PASSWORD).
While chatting: /dtmf <digits>, /vars, /end, /quit.`;

/** Parses `converse chat` arguments; environment fallbacks come from the caller (config.ts). */
export function parseChatArgs(argv: string[], env: { url?: string | undefined; apiKey?: string | undefined; email?: string | undefined; password?: string | undefined }): Omit<ChatOptions, 'input' | 'output'> {
  const opts: Omit<ChatOptions, 'input' | 'output'> = {
    baseUrl: env.url ?? 'http://localhost:8080',
    apiKey: env.apiKey,
    email: env.email,
    password: env.password,
    agentId: undefined,
    flowId: undefined,
    sessionId: undefined,
    variables: {},
    mode: 'live',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ConfigError(`${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--agent': opts.agentId = value(); break;
      case '--flow': opts.flowId = value(); break;
      case '--session': opts.sessionId = value(); break;
      case '--url': opts.baseUrl = value(); break;
      case '--api-key': opts.apiKey = value(); break;
      case '--email': opts.email = value(); break;
      case '--password': opts.password = value(); break;
      case '--test': opts.mode = 'test'; break;
      case '--var': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq < 1) throw new ConfigError(`--var takes name=value, got "${pair}"`);
        opts.variables[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '--help':
        throw new ConfigError(USAGE);
      default:
        throw new ConfigError(`unknown option for chat: ${flag}\n\n${USAGE}`);
    }
  }
  const targets = [opts.agentId, opts.flowId, opts.sessionId].filter((t) => t !== undefined).length;
  if (targets !== 1) throw new ConfigError(`chat needs exactly one of --agent, --flow or --session\n\n${USAGE}`);
  if (!opts.apiKey && !(opts.email && opts.password)) throw new ConfigError(`chat needs credentials: --api-key, or --email and --password\n\n${USAGE}`);
  opts.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  return opts;
}

class ApiError extends Error {}

async function api(opts: ChatOptions, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${opts.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(errorText(res.status, json));
  return json;
}

function errorText(status: number, json: unknown): string {
  const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
  return `${status} ${err?.code ?? 'error'}: ${err?.message ?? 'request failed'}`;
}

async function credential(opts: ChatOptions): Promise<string> {
  if (opts.apiKey) return opts.apiKey;
  const res = await fetch(`${opts.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: opts.email, password: opts.password }),
  });
  const json = (await res.json()) as { access_token?: string };
  if (!res.ok || !json.access_token) throw new ApiError(errorText(res.status, json));
  return json.access_token;
}

/**
 * Sends one caller turn and prints the reply: streamed `delta` events as they come, then any message
 * of the final `done` event that was not streamed (flow text, system lines).
 */
async function sendTurn(opts: ChatOptions, token: string, sessionId: string, body: { text: string } | { dtmf: string }): Promise<TurnReply> {
  const res = await fetch(`${opts.baseUrl}/api/v1/sessions/${encodeURIComponent(sessionId)}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new ApiError(errorText(res.status, await res.json().catch(() => null)));
  if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const reply = (await res.json()) as TurnReply;
    printMessages(opts, reply.messages ?? []);
    return reply;
  }
  let streamed = '';
  let done: TurnReply | null = null;
  for await (const ev of readSse(res.body)) {
    const data: unknown = JSON.parse(ev.data);
    if (ev.event === 'delta') {
      const text = (data as { text?: string }).text ?? '';
      if (!streamed) opts.output.write('agent> ');
      streamed += text;
      opts.output.write(text);
    } else if (ev.event === 'done') {
      done = data as TurnReply;
    } else if (ev.event === 'error') {
      throw new ApiError(errorText(0, data));
    }
  }
  if (streamed) opts.output.write('\n');
  const reply = done ?? {};
  // Messages already shown as deltas are not printed twice.
  printMessages(opts, (reply.messages ?? []).filter((m) => !(streamed && m.text.trim() === streamed.trim())));
  return reply;
}

/** Server-sent events from a fetch body: `{event, data}` per blank-line-separated block. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}

function printMessages(opts: ChatOptions, messages: ChatMessage[]): void {
  for (const m of messages) if (m.role !== 'caller' && m.role !== 'user' && m.text) opts.output.write(`${m.role === 'assistant' ? 'agent' : m.role}> ${m.text}\n`);
}

function printEnd(opts: ChatOptions, reply: TurnReply): boolean {
  if (reply.status === 'active' || reply.status === undefined) return false;
  opts.output.write(`-- session ${reply.status}${reply.ended_reason ? ` (${reply.ended_reason})` : ''}\n`);
  return true;
}

/** Runs the chat until the input ends, `/quit`, or the session ends. */
export async function runChat(opts: ChatOptions): Promise<void> {
  const token = await credential(opts);
  let sessionId = opts.sessionId;
  if (!sessionId) {
    const target = opts.agentId ? { agent_id: opts.agentId } : { flow_id: opts.flowId };
    const started = (await api(opts, token, 'POST', '/sessions', { ...target, variables: opts.variables, mode: opts.mode })) as TurnReply & { id: string };
    sessionId = started.id;
    opts.output.write(`-- session ${sessionId} (${opts.mode}); /dtmf <digits>, /vars, /end, /quit\n`);
    printMessages(opts, started.messages ?? []);
    if (printEnd(opts, started)) return;
  }
  const lines = createInterface({ input: opts.input, terminal: false });
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    try {
      if (line === '/quit') break;
      if (line === '/vars') {
        const s = (await api(opts, token, 'GET', `/sessions/${sessionId}`)) as TurnReply;
        opts.output.write(`${JSON.stringify(s.variables ?? {}, null, 2)}\n`);
        continue;
      }
      if (line === '/end') {
        const s = (await api(opts, token, 'POST', `/sessions/${sessionId}/end`)) as TurnReply;
        printEnd(opts, { ...s, status: s.status === 'active' ? 'ended' : s.status });
        break;
      }
      const reply = line.startsWith('/dtmf ')
        ? await sendTurn(opts, token, sessionId, { dtmf: line.slice(6).trim() })
        : await sendTurn(opts, token, sessionId, { text: line });
      if (printEnd(opts, reply)) break;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      opts.output.write(`!! ${err.message}\n`);
    }
  }
  lines.close();
}
