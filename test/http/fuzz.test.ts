/**
 * Every operation of the OpenAPI document, fuzzed (issue 12): for each role, wrong types, missing and
 * extra fields, nulls, huge strings and arrays, deep JSON, NUL, lone surrogates, invalid UTF-8,
 * injection strings, bad ids and cursors, oversized and stalled bodies. The answer must always be a
 * 4xx in the API error shape (or a 2xx when the input happens to be valid): never a 5xx, never a hang.
 *
 * Nothing here names a route: operations come from /api/v1/openapi.json of the real app, so a new route
 * is fuzzed the day it is registered, and the test checks that every operation of the document ran.
 */
import net from 'node:net';
import { PassThrough } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { casesFor, type FuzzCase } from './fuzz/cases.js';
import { collectionFor, fillPath, operationsOf, type FuzzOperation } from './fuzz/operations.js';
import { sample, type SampleContext } from './fuzz/schema-sample.js';
import { CODE_FOR_STATUS } from './support.js';

type FuzzRole = 'owner' | 'admin' | 'member' | 'support_agent' | 'viewer' | 'api_key' | 'anonymous';
const ROLES: readonly FuzzRole[] = ['owner', 'admin', 'member', 'support_agent', 'viewer', 'api_key', 'anonymous'];
const BODY_TIMEOUT_MS = 1_000;
const HANG_MS = 20_000;
const CLOSED_PORT = 'http://127.0.0.1:9';

let t: TestApp;
let org: TestOrg;
let ops: FuzzOperation[];
/** Ids the owner's org holds, per list route (`/api/v1/agents` → agent ids), fixtures excluded. */
const known = new Map<string, string[]>();
const fixtureIds = new Set<string>();

const tokenFor = (role: FuzzRole): string | undefined => (role === 'anonymous' ? undefined : role === 'api_key' ? org.apiKey : org.tokens[role]);

function contextFor(op: FuzzOperation | undefined): SampleContext {
  const lists = [...known.keys()];
  return {
    idFor: (name) => {
      const list = op ? collectionFor(op, name, lists) : lists.find((l) => l.split('/').pop()!.startsWith(name.replace(/_id$/, '')));
      return (list && known.get(list)?.[0]) ?? '00000000-0000-4000-8000-00000000f022';
    },
  };
}

async function send(req: FuzzCase['request'], token: string | undefined): Promise<LightMyRequestResponse | 'hang'> {
  const headers = { ...req.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => { timer = setTimeout(() => resolve('hang'), HANG_MS); });
  try {
    return await Promise.race([t.app.inject({ method: req.method as 'GET', url: req.url, headers, ...(req.payload === undefined ? {} : { payload: req.payload }) }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Empty when the answer is acceptable: a 2xx, or a 4xx in the error shape with the status's code. */
function problemWith(res: LightMyRequestResponse | 'hang'): string | null {
  if (res === 'hang') return `no answer within ${HANG_MS} ms`;
  if (res.statusCode >= 200 && res.statusCode < 300) return null;
  if (res.statusCode < 400 || res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (!String(res.headers['content-type']).startsWith('application/json')) return `status ${res.statusCode} with content-type ${res.headers['content-type']}`;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return `status ${res.statusCode} with a body that is not JSON`;
  }
  if (Object.keys(body).join() !== 'error' || typeof body.error?.message !== 'string') return `status ${res.statusCode}, not the error shape: ${res.body.slice(0, 200)}`;
  if (body.error.code !== CODE_FOR_STATUS[res.statusCode]) return `status ${res.statusCode} with code ${String(body.error.code)}`;
  return null;
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Creates one of everything the owner can create from a sample body, then records the ids lists return. */
async function seed(): Promise<void> {
  const lists = ops.filter((o) => o.method === 'GET' && o.pathParams.length === 0 && o.query.some((q) => q.name === 'cursor'));
  const collect = async () => {
    for (const l of lists) {
      const res = await send({ method: 'GET', url: l.path, headers: {} }, org.tokens.owner);
      if (res === 'hang' || res.statusCode !== 200) continue;
      const ids = ((JSON.parse(res.body) as { data?: Array<{ id?: unknown }> }).data ?? []).map((d) => d.id).filter((id): id is string => typeof id === 'string' && !fixtureIds.has(id));
      known.set(l.path, ids);
    }
  };
  await collect();
  for (const op of ops.filter((o) => o.method === 'POST' && o.pathParams.length === 0 && o.body && !o.isPublic)) {
    for (let i = 0; i < 2; i++) await send({ method: 'POST', url: op.path, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(sample(op.body, contextFor(op))) }, org.tokens.owner);
    await collect(); // later creates may reference earlier ones (a channel → an agent)
  }
}

function casesOf(op: FuzzOperation): FuzzCase[] {
  const ctx = contextFor(op);
  const pathValues = Object.fromEntries(op.pathParams.map((p) => [p.name, encodeURIComponent(String(sample(p.schema, ctx, p.name)))]));
  const body = op.body ? sample(op.body, ctx) : undefined;
  return casesFor({ op, pathValues, body, bodyLimit: t.deps.config.bodyLimitBytes });
}

describe(`every operation of the OpenAPI document, fuzzed (${modeName})`, () => {
  beforeAll(async () => {
    t = await createTestApp({
      config: {
        bodyTimeoutMs: BODY_TIMEOUT_MS,
        allowPrivateNetwork: false,
        // Every provider, including ones added later, points at a closed local port: never the internet.
        providerBaseUrls: new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? `${CLOSED_PORT}/${name}` : undefined), has: () => true }),
      },
    });
    org = await createOrg(t.app, 'Fuzz');
    for (const id of [org.id, org.apiKeyId, ...Object.values(org.userIds)]) fixtureIds.add(id);
    const doc = await call(t.app, { method: 'GET', url: '/api/v1/openapi.json' });
    ops = operationsOf(doc.json());
    await seed();
  }, 120_000);
  afterAll(() => t?.close());

  it('answers every hostile request with a 4xx in the error shape or a 2xx, for every role', async () => {
    const failures: string[] = [];
    const covered = new Set<string>();
    const statuses = new Map<number, number>();
    let requests = 0;
    let ownerCases = 0;
    for (const role of ROLES) {
      const started = Date.now();
      const jobs: Array<{ op: FuzzOperation; c: FuzzCase }> = [];
      for (const op of ops) {
        // Public operations ignore credentials: fuzzed once, in full, without any.
        if (op.isPublic && role !== 'anonymous') continue;
        const full = role === 'owner' || (op.isPublic && role === 'anonymous');
        const cases = casesOf(op).filter((c) => full || c.core);
        if (full) ownerCases += cases.length;
        for (const c of cases) jobs.push({ op, c });
      }
      await pool(jobs, 4, async ({ op, c }) => {
        const res = await send(c.request, tokenFor(role));
        requests++;
        covered.add(op.key);
        if (res !== 'hang') statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const problem = problemWith(res);
        if (problem) failures.push(`${role} ${op.key} [${c.name}] ${c.request.method} ${c.request.url.slice(0, 120)}: ${problem}`);
      });
      if (process.env.FUZZ_VERBOSE) console.log(`${role}: ${jobs.length} requests in ${Date.now() - started} ms`);
    }
    if (failures.length > 0) {
      const kinds = new Map<string, number>();
      for (const f of failures) {
        const kind = f.replace(/^\S+ (\S+ \S+) \[([^\]]+)\].*?: (.{0,80}).*$/s, '$2 → $3');
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      console.log([...kinds].map(([k, n]) => `${n} × ${k}`).join('\n'));
    }
    console.log(`fuzz (${modeName}): ${ops.length} operations, ${ownerCases} cases in full (owner / public), ${requests} requests over ${ROLES.length} roles; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(failures.slice(0, 40), `${failures.length} failures`).toEqual([]);
    expect(ops.length).toBeGreaterThan(0);
    expect([...covered].sort()).toEqual(ops.map((o) => o.key).sort());
    // Some valid samples get through: the fuzz reaches past validation, not only into it.
    expect([...statuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
  }, 300_000);

  it('answers a stalled JSON body with 408 on every operation that reads one', async () => {
    const withBody = ops.filter((o) => o.method !== 'GET' && o.method !== 'DELETE');
    const results = await Promise.all(withBody.map(async (op) => {
      const stream = new PassThrough();
      stream.write('{"name":');
      const url = fillPath(op.path, Object.fromEntries(op.pathParams.map((p) => [p.name, encodeURIComponent(String(sample(p.schema, contextFor(op), p.name)))])));
      const res = await send({ method: op.method, url, headers: { 'content-type': 'application/json', 'content-length': '100' }, payload: stream as never }, op.isPublic ? undefined : org.tokens.owner);
      stream.destroy();
      return { op, res };
    }));
    const problems = results.flatMap(({ op, res }) => {
      const p = problemWith(res);
      if (p) return [`${op.key}: ${p}`];
      return res !== 'hang' && res.statusCode !== 408 ? [`${op.key}: ${res.statusCode} instead of 408`] : [];
    });
    expect(problems).toEqual([]);
    expect(results.length).toBeGreaterThan(0);
  }, 60_000);

  it('over a real socket, a body that stops arriving gets a 408 and the connection is closed', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as net.AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email":"slow@example.test",');
      });
      let text = '';
      socket.on('data', (d) => { text += d.toString('latin1'); });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/"code":"request_timeout"/);
  }, 30_000);
});
