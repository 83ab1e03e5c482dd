/**
 * An MCP server whose tool list carries what PostgreSQL cannot store (NUL, unpaired surrogates, in
 * descriptions, schemas and schema keys) or schemas nested past the request cap: the refresh still
 * succeeds, the text is cleaned, the over-deep schema's tool is left out. Before issue 12: a 500.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/platform/http/json-limits.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';

/** A minimal Streamable HTTP MCP server (JSON responses) that answers tools/list with `toolsJson`. */
async function startHostileMcp(toolsJson: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const msg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number; method: string; params?: { protocolVersion?: string } };
      if (msg.id === undefined) return void res.writeHead(202).end();
      const result = msg.method === 'initialize'
        ? JSON.stringify({ protocolVersion: msg.params?.protocolVersion ?? '2025-03-26', capabilities: { tools: {} }, serverInfo: { name: 'hostile', version: '1' } })
        : msg.method === 'tools/list' ? `{"tools":${toolsJson}}` : '{}';
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"jsonrpc":"2.0","id":${msg.id},"result":${result}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const deepSchema = (depth: number): string => `{"type":"object","x":${'['.repeat(depth)}1${']'.repeat(depth)}}`;

describe(`MCP tool metadata PostgreSQL cannot store (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;
  let mcp: Awaited<ReturnType<typeof startHostileMcp>>;

  beforeAll(async () => {
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    org = await createOrg(t.app, 'Hostile MCP');
    mcp = await startHostileMcp(`[
      {"name":"nul","description":"before\\u0000after \\ud800 lone","inputSchema":{"type":"object","properties":{"a\\u0000b":{"type":"string","description":"x\\u0000y\\udc00"}}}},
      {"name":"deep","description":"too deep","inputSchema":${deepSchema(MAX_JSON_DEPTH + 10)}},
      {"name":"fine","description":"ok 😀","inputSchema":{"type":"object"}}
    ]`);
  });
  afterAll(async () => {
    await mcp?.close();
    await t?.close();
  });

  it('refresh cleans the text, drops the over-deep schema and answers 200', async () => {
    const created = await call(t.app, { method: 'POST', url: '/mcp-servers', token: org.tokens.admin, body: { name: 'hostile', url: `${mcp.origin}/mcp` } });
    expect(created.statusCode, created.body).toBe(201);
    const res = await call(t.app, { method: 'POST', url: `/mcp-servers/${created.json().id}/refresh`, token: org.tokens.admin });
    expect(res.statusCode, res.body).toBe(200);
    const tools = res.json().data as Array<{ name: string; description: string; input_schema: { properties?: Record<string, { description: string }> } }>;
    expect(tools.map((x) => x.name).sort()).toEqual(['fine', 'nul']);
    const nul = tools.find((x) => x.name === 'nul')!;
    expect(nul.description).toBe('beforeafter \uFFFD lone');
    expect(nul.input_schema.properties).toEqual({ ab: { type: 'string', description: 'xy\uFFFD' } });
    expect(tools.find((x) => x.name === 'fine')!.description).toBe('ok 😀');
    const listed = await call(t.app, { method: 'GET', url: `/mcp-servers/${created.json().id}/tools`, token: org.tokens.viewer });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data).toHaveLength(2);
  });
});
