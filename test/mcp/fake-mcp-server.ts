/**
 * A REAL MCP server built with the SDK (McpServer), served on 127.0.0.1 over both transports:
 * Streamable HTTP at /mcp (stateless: one server per request) and the older SSE transport at /sse
 * (+ POST /messages). It demands an Authorization header when `requiredAuth` is set, and its `whoami`
 * tool echoes the header back, so tests can prove secrets are scrubbed from results. With `reflect`
 * set it also reflects the header (in every form of test/helpers/reflections.ts) into its tool list —
 * a tool description, an input schema's keys, descriptions and enum, a tool name — and into a
 * `reflect` tool's text and structured result.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { reflectionsOf } from '../helpers/reflections.js';

export interface FakeMcp {
  origin: string;
  requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  toolCalls: Array<{ name: string; args: unknown }>;
  requiredAuth: string | undefined;
  reflect: boolean;
  close(): Promise<void>;
}

function buildServer(state: FakeMcp, authorization: string | undefined): McpServer {
  const server = new McpServer({ name: 'fake', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes text back', inputSchema: { text: z.string() } }, async ({ text }) => {
    state.toolCalls.push({ name: 'echo', args: { text } });
    return { content: [{ type: 'text', text: `echo: ${text}` }] };
  });
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => {
    state.toolCalls.push({ name: 'add', args: { a, b } });
    return { content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } };
  });
  server.registerTool('whoami', { description: 'Says which credentials it received' }, async () => {
    state.toolCalls.push({ name: 'whoami', args: {} });
    return { content: [{ type: 'text', text: `you sent: ${authorization ?? 'nothing'}` }] };
  });
  if (state.reflect && authorization) {
    const forms = reflectionsOf(authorization);
    const all = Object.entries(forms).map(([k, v]) => `${k}=${v}`).join(' ');
    server.registerTool(
      'reflect',
      { description: `Reflects: ${all}`, inputSchema: { [`k_${forms.base64url}`]: z.enum([forms.literal, forms.base64]).describe(all).optional() } },
      async () => ({ content: [{ type: 'text', text: all }], structuredContent: { forms, [forms.url_encoded]: forms.unicode_escaped } }),
    );
    const token = /^Bearer (\S+)$/.exec(authorization)?.[1];
    if (token) server.registerTool(`t_${token}`, { description: 'a name made of the token' }, async () => ({ content: [{ type: 'text', text: 'x' }] }));
  }
  server.registerTool('fail', { description: 'Always fails' }, async () => ({ content: [{ type: 'text', text: 'it broke' }], isError: true }));
  return server;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startFakeMcp(): Promise<FakeMcp> {
  const sse = new Map<string, SSEServerTransport>();
  const state: FakeMcp = { origin: '', requests: [], toolCalls: [], requiredAuth: undefined, reflect: false, close: async () => undefined };
  const httpServer = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const authorization = req.headers.authorization;
      state.requests.push({ method: req.method ?? '', path: url.pathname, authorization });
      if (state.requiredAuth !== undefined && authorization !== state.requiredAuth) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      if (url.pathname === '/mcp' && req.method === 'POST') {
        const body = await readJson(req);
        const server = buildServer(state, authorization);
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        res.on('close', () => void transport.close().then(() => server.close()));
        await server.connect(transport);
        return void (await transport.handleRequest(req, res, body));
      }
      if (url.pathname === '/mcp') return void res.writeHead(405, { allow: 'POST' }).end();
      if (url.pathname === '/sse' && req.method === 'GET') {
        const transport = new SSEServerTransport('/messages', res);
        sse.set(transport.sessionId, transport);
        res.on('close', () => sse.delete(transport.sessionId));
        return void (await buildServer(state, authorization).connect(transport));
      }
      if (url.pathname === '/messages' && req.method === 'POST') {
        const transport = sse.get(url.searchParams.get('sessionId') ?? '');
        if (!transport) return void res.writeHead(404).end();
        return void (await transport.handlePostMessage(req, res, await readJson(req)));
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      httpServer.closeAllConnections();
      httpServer.close(() => resolve());
    });
  return state;
}
