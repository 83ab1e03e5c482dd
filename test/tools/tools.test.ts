import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeHttpTool } from '../../src/features/tools/assignments.js';
import { startHttpServer, startSilentServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { expectError } from '../http/support.js';
import { auditText, canary, captureLogs, createAgent, dumpDatabase, expectNoCanary } from './support.js';

const SECRET = canary('tool');
const SECOND_SECRET = canary('tool2');

describe(`HTTP tools (${modeName})`, () => {
  let t: TestApp; // private networks allowed: the fakes listen on 127.0.0.1
  let strict: TestApp; // the production default: private networks refused
  let logs: ReturnType<typeof captureLogs>;
  let echo: TestServer;
  let silent: TestServer;
  let a: TestOrg;
  let b: TestOrg;

  beforeAll(async () => {
    logs = captureLogs();
    t = await createTestApp({ config: { allowPrivateNetwork: true }, log: logs.log });
    strict = await createTestApp({ testDb: t.testDb, keyring: t.keyring, log: logs.log });
    echo = await startHttpServer((req, res, body) => {
      if (req.url?.startsWith('/text')) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`plain ${req.headers.authorization ?? ''}`);
      if (req.url?.startsWith('/fail')) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
      if (req.url?.startsWith('/big')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(10_000) }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body, weather: { temp: [21, 23], city: 'Pune' } }));
    });
    silent = await startSilentServer();
    a = await createOrg(t.app, 'Tools A');
    b = await createOrg(t.app, 'Tools B');
  });
  afterAll(async () => {
    await echo?.close();
    await silent?.close();
    await strict?.close();
    await t?.close();
  });

  const weatherTool = (over: Record<string, unknown> = {}) => ({
    name: `weather_${randomUUID().slice(0, 8)}`,
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string', minLength: 1 }, units: { type: 'string', enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false },
    config: {
      method: 'POST',
      url: `${echo.origin}/weather/{{city}}?u={{units}}`,
      headers: { 'X-Plain': 'hello {{units}}', Authorization: { secret: true, value: `Bearer ${SECRET}` } },
      body: { q: '{{city}}', n: 2, note: 'for {{city}}' },
      timeout_ms: 2000,
      response_mapping: { temperature: '$.weather.temp[1]', city: "$.weather['city']", missing: '$.nope' },
    },
    ...over,
  });

  const create = async (token: string, body: unknown, app = t.app) => call(app, { method: 'POST', url: '/tools', token, body });

  it('creates a tool; secret header values are write-only everywhere', async () => {
    const res = await create(a.tokens.admin, weatherTool());
    expect(res.statusCode, res.body).toBe(201);
    const tool = res.json();
    expect(tool.config.headers).toEqual({ 'X-Plain': 'hello {{units}}', Authorization: { secret: true, configured: true, hint: 'Bearer …' } });
    expect(res.body).not.toContain(SECRET);
    const got = await call(t.app, { method: 'GET', url: `/tools/${tool.id}`, token: a.tokens.viewer });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(tool);
    const list = await call(t.app, { method: 'GET', url: '/tools?limit=200', token: a.tokens.member });
    expect(list.json().data.map((x: { id: string }) => x.id)).toContain(tool.id);
    expect(list.body).not.toContain(SECRET);
  });

  it('runs the test endpoint: templates, encoding, secret header, mapping, truncated and scrubbed body', async () => {
    const tool = (await create(a.tokens.admin, weatherTool())).json();
    const before = echo.requests.length;
    const res = await call(t.app, { method: 'POST', url: `/tools/${tool.id}/test`, token: a.tokens.admin, body: { arguments: { city: 'São Paulo/x', units: 'c' } } });
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out).toMatchObject({ ok: true, status: 200, error: null, variables: { temperature: 23, city: 'Pune' } });
    expect(out.variables).not.toHaveProperty('missing');
    const seen = echo.requests[before]!;
    expect(seen.url).toBe('/weather/S%C3%A3o%20Paulo%2Fx?u=c');
    expect(seen.headers.authorization).toBe(`Bearer ${SECRET}`); // decrypted for the request only
    expect(seen.headers['x-plain']).toBe('hello c');
    expect(JSON.parse(seen.body)).toEqual({ q: 'São Paulo/x', n: 2, note: 'for São Paulo/x' });
    // The echo server sent our Authorization back; the preview removed it.
    expect(res.body).not.toContain(SECRET);
    expect(out.body).toContain('[redacted]');
  });

  it('validates arguments against the parameters schema', async () => {
    const tool = (await create(a.tokens.admin, weatherTool())).json();
    for (const args of [{}, { city: 3 }, { city: 'x', units: 'k' }, { city: 'x', extra: 1 }, { city: '' }]) {
      const res = await call(t.app, { method: 'POST', url: `/tools/${tool.id}/test`, token: a.tokens.admin, body: { arguments: args } });
      expectError(res, 400);
    }
    const dots = await call(t.app, { method: 'POST', url: `/tools/${tool.id}/test`, token: a.tokens.admin, body: { arguments: { city: '..' } } });
    expectError(dots, 400);
  });

  it('reports non-2xx answers, non-JSON bodies, truncation and timeouts', async () => {
    const mk = async (path: string, over: Record<string, unknown> = {}) =>
      (await create(a.tokens.admin, { name: `t_${randomUUID().slice(0, 8)}`, config: { method: 'GET', url: `${echo.origin}${path}`, timeout_ms: 500, ...over } })).json();
    const fail = await call(t.app, { method: 'POST', url: `/tools/${(await mk('/fail')).id}/test`, token: a.tokens.admin, body: {} });
    expect(fail.json()).toMatchObject({ ok: false, status: 503, error: "the tool's server answered HTTP 503" });
    const text = await call(t.app, { method: 'POST', url: `/tools/${(await mk('/text')).id}/test`, token: a.tokens.admin, body: {} });
    expect(text.json()).toMatchObject({ ok: true, variables: {}, body: 'plain ', content_type: 'text/plain' });
    const big = await call(t.app, { method: 'POST', url: `/tools/${(await mk('/big')).id}/test`, token: a.tokens.admin, body: {} });
    expect(big.json()).toMatchObject({ ok: true, body_truncated: true });
    expect(Buffer.byteLength(big.json().body)).toBeLessThanOrEqual(4096);
    const small = await call(t.app, { method: 'POST', url: `/tools/${(await mk('/big', { max_response_bytes: 1000 })).id}/test`, token: a.tokens.admin, body: {} });
    expect(expectError(small, 422).message).toMatch(/size limit/);
    const slow = (await create(a.tokens.admin, { name: `slow_${randomUUID().slice(0, 6)}`, config: { method: 'GET', url: `${silent.origin}/x`, timeout_ms: 300 } })).json();
    const started = Date.now();
    const timedOut = await call(t.app, { method: 'POST', url: `/tools/${slow.id}/test`, token: a.tokens.admin, body: {} });
    expect(expectError(timedOut, 422).message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('posts the session data for webhook tools', async () => {
    const res = await create(a.tokens.admin, { name: `hook_${randomUUID().slice(0, 6)}`, type: 'webhook', parameters: { type: 'object', properties: { reason: { type: 'string' } } }, config: { url: `${echo.origin}/hook` } });
    expect(res.statusCode, res.body).toBe(201);
    const before = echo.requests.length;
    const run = await call(t.app, { method: 'POST', url: `/tools/${res.json().id}/test`, token: a.tokens.admin, body: { arguments: { reason: 'callback' }, session: { caller: '+911234567890' } } });
    expect(run.json().ok).toBe(true);
    const sent = JSON.parse(echo.requests[before]!.body);
    expect(sent).toMatchObject({ tool: res.json().name, arguments: { reason: 'callback' }, session: { caller: '+911234567890' }, agent_id: null });
    const bad = await create(a.tokens.admin, { name: `hook_${randomUUID().slice(0, 6)}`, type: 'webhook', config: { url: `${echo.origin}/hook`, body: { x: 1 } } });
    expectError(bad, 400);
  });

  it('rejects unsafe or malformed definitions', async () => {
    const base = weatherTool();
    const cases: Array<[string, unknown]> = [
      ['placeholder in host', { ...base, config: { ...base.config, url: 'http://{{city}}.example.com/x' } }],
      ['undeclared placeholder', { ...base, config: { ...base.config, url: `${echo.origin}/{{country}}` } }],
      ['root not object', { ...base, parameters: { type: 'string' } }],
      ['$ref keyword', { ...base, parameters: { type: 'object', properties: { a: { $ref: '#/x' } } } }],
      ['pattern keyword', { ...base, parameters: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } } }],
      ['required not declared', { ...base, parameters: { type: 'object', properties: {}, required: ['x'] } }],
      ['credentials in URL', { ...base, config: { ...base.config, url: 'http://user:pw@example.com/x' } }],
      ['ftp URL', { ...base, config: { ...base.config, url: 'ftp://example.com/x' } }],
      ['reserved header', { ...base, config: { ...base.config, headers: { Host: 'evil' } } }],
      ['header with newline', { ...base, config: { ...base.config, headers: { 'X-A': 'a\r\nX-B: b' } } }],
      ['unknown field', { ...base, extra: true }],
      ['unknown config field', { ...base, config: { ...base.config, follow: true } }],
      ['secret without value', { ...base, config: { ...base.config, headers: { Authorization: { secret: true } } } }],
      ['timeout too long', { ...base, config: { ...base.config, timeout_ms: 600_000 } }],
      ['bad mapping path', { ...base, config: { ...base.config, response_mapping: { x: '$..a' } } }],
      ['org in parameters', { ...base, parameters: { type: 'object', properties: { org_id: { type: 'string' } } } }],
    ];
    for (const [why, body] of cases) {
      const res = await create(a.tokens.admin, body);
      expect(res.statusCode, `${why}: ${res.body}`).toBe(400);
    }
    const huge = await create(a.tokens.admin, { ...base, description: 'x'.repeat(200_000) });
    expectError(huge, 413);
    const dup = weatherTool();
    expect((await create(a.tokens.admin, dup)).statusCode).toBe(201);
    expectError(await create(a.tokens.admin, dup), 409);
    expect((await create(b.tokens.admin, dup)).statusCode).toBe(201); // names are unique per org only
  });

  it('updates: PATCH, PUT keeping a secret by name, new destination needs the secret again', async () => {
    const tool = (await create(a.tokens.admin, weatherTool())).json();
    const patched = await call(t.app, { method: 'PATCH', url: `/tools/${tool.id}`, token: a.tokens.admin, body: { description: 'changed' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ description: 'changed', config: { headers: tool.config.headers } });
    // PUT with what GET returned (secret marker echoed back) keeps the stored value.
    const put = await call(t.app, { method: 'PUT', url: `/tools/${tool.id}`, token: a.tokens.admin, body: { name: tool.name, description: 'd', parameters: tool.parameters, config: { ...tool.config, timeout_ms: 3000 } } });
    expect(put.statusCode, put.body).toBe(200);
    const before = echo.requests.length;
    await call(t.app, { method: 'POST', url: `/tools/${tool.id}/test`, token: a.tokens.admin, body: { arguments: { city: 'x' } } });
    expect(echo.requests[before]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    // Same secret marker, but the URL now points at another host: the value must be given again.
    const moved = await call(t.app, { method: 'PATCH', url: `/tools/${tool.id}`, token: a.tokens.admin, body: { config: { ...put.json().config, url: 'http://127.0.0.2:9/{{city}}' } } });
    expect(expectError(moved, 400).details?.[0]?.message).toMatch(/host changes/);
    const rotated = await call(t.app, { method: 'PATCH', url: `/tools/${tool.id}`, token: a.tokens.admin, body: { config: { ...put.json().config, headers: { Authorization: { secret: true, value: `Token ${SECOND_SECRET}` } } } } });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().config.headers).toEqual({ Authorization: { secret: true, configured: true, hint: 'Token …' } });
    const del = await call(t.app, { method: 'DELETE', url: `/tools/${tool.id}`, token: a.tokens.admin });
    expect(del.statusCode).toBe(204);
    expectError(await call(t.app, { method: 'GET', url: `/tools/${tool.id}`, token: a.tokens.admin }), 404);
    expectError(await call(t.app, { method: 'DELETE', url: `/tools/${tool.id}`, token: a.tokens.admin }), 404);
  });

  it('refuses private and metadata destinations (SSRF) on save and on test', async () => {
    // Saved where private networks are allowed (development), run where they are not (production).
    const tool = (await create(a.tokens.admin, weatherTool())).json();
    const before = echo.requests.length;
    const res = await call(strict.app, { method: 'POST', url: `/tools/${tool.id}/test`, token: a.tokens.admin, body: { arguments: { city: 'x' } } });
    expect(expectError(res, 422).details?.[0]).toMatchObject({ reason: 'private_address' });
    expect(echo.requests.length).toBe(before); // nothing left the process
    for (const url of [`${echo.origin}/x`, 'http://[::1]:9/x', 'http://10.0.0.1/x', 'http://localhost:9/x', 'http://2130706433/x']) {
      const saved = await create(a.tokens.admin, { name: `s_${randomUUID().slice(0, 6)}`, config: { url } }, strict.app);
      expect(saved.statusCode, `${url}: ${saved.body}`).toBe(422);
      expect(saved.body).not.toContain(url.replace(/^http:\/\/[^/]+/, '')); // no path echoed, origin only
    }
    // Metadata endpoints stay blocked even where private networks are allowed.
    const meta = await create(a.tokens.admin, { name: `m_${randomUUID().slice(0, 6)}`, config: { url: 'http://169.254.169.254/latest/meta-data' } });
    expect(expectError(meta, 422).details?.[0]).toMatchObject({ reason: 'metadata_address' });
  });

  it('assigns tools to agents; invokeHttpTool runs only assigned tools of the session org', async () => {
    const agent = await createAgent(t.app, a.tokens.admin);
    const otherAgent = await createAgent(t.app, a.tokens.admin);
    const agentB = await createAgent(t.app, b.tokens.admin);
    const tool = (await create(a.tokens.admin, weatherTool())).json();
    const toolB = (await create(b.tokens.admin, weatherTool())).json();
    const assign = await call(t.app, { method: 'POST', url: `/tools/agent/${agent}/assign/${tool.id}`, token: a.tokens.admin });
    expect(assign.statusCode, assign.body).toBe(201);
    expect((await call(t.app, { method: 'POST', url: `/tools/agent/${agent}/assign/${tool.id}`, token: a.tokens.admin })).statusCode).toBe(201); // idempotent
    const listed = await call(t.app, { method: 'GET', url: `/tools/agent/${agent}`, token: a.tokens.viewer });
    expect(listed.json().data.map((x: { id: string }) => x.id)).toEqual([tool.id]);
    expect((await call(t.app, { method: 'GET', url: `/tools/agent/${otherAgent}`, token: a.tokens.viewer })).json().data).toEqual([]);

    // Cross-org assignment in either direction is a 404, like a missing id.
    for (const url of [`/tools/agent/${agent}/assign/${toolB.id}`, `/tools/agent/${agentB}/assign/${tool.id}`, `/tools/agent/${randomUUID()}/assign/${tool.id}`]) {
      expectError(await call(t.app, { method: 'POST', url, token: a.tokens.admin }), 404);
    }
    expectError(await call(t.app, { method: 'GET', url: `/tools/agent/${agentB}`, token: a.tokens.admin }), 404);

    const ok = await invokeHttpTool(t.deps, { orgId: a.id, agentId: agent, toolId: tool.id, args: { city: 'Goa' } });
    expect(ok).toMatchObject({ ok: true, status: 200, variables: { temperature: 23 } });
    expect(JSON.stringify(ok)).not.toContain(SECRET);
    const denied = [
      { orgId: a.id, agentId: otherAgent, toolId: tool.id }, // same org, not assigned to this agent
      { orgId: a.id, agentId: agent, toolId: toolB.id }, // another org's tool
      { orgId: b.id, agentId: agent, toolId: tool.id }, // the session's org does not own them
      { orgId: b.id, agentId: agentB, toolId: tool.id },
      { orgId: a.id, agentId: agent, toolId: 'not-a-uuid' },
    ];
    for (const d of denied) await expect(invokeHttpTool(t.deps, { ...d, args: { city: 'x' } })).rejects.toMatchObject({ code: 'not_found' });
    await expect(invokeHttpTool(t.deps, { orgId: a.id, agentId: agent, toolId: tool.id, args: { city: 7 } })).rejects.toMatchObject({ code: 'validation_error' });
    // Outbound refusals are results for the model, not exceptions.
    const refused = await invokeHttpTool(strict.deps, { orgId: a.id, agentId: agent, toolId: tool.id, args: { city: 'x' } });
    expect(refused).toMatchObject({ ok: false, status: null });
    expect(refused.error).toMatch(/refused/);

    expect((await call(t.app, { method: 'DELETE', url: `/tools/agent/${agent}/assign/${tool.id}`, token: a.tokens.admin })).statusCode).toBe(204);
    expectError(await call(t.app, { method: 'DELETE', url: `/tools/agent/${agent}/assign/${tool.id}`, token: a.tokens.admin }), 404);
    await expect(invokeHttpTool(t.deps, { orgId: a.id, agentId: agent, toolId: tool.id, args: { city: 'x' } })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps canary secrets out of audit rows, logs and the database', async () => {
    const audit = await auditText(t.app, a.tokens.owner);
    expect(audit).toContain('tool.created');
    expect(audit).toContain('tool.updated');
    expectNoCanary([SECRET, SECOND_SECRET], { audit, logs: logs.text(), database: await dumpDatabase(t.testDb.admin) });
  });
});
