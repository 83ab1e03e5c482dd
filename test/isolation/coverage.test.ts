/// <reference types="vite/client" />
/**
 * Every registered route is in the isolation matrix (or on the commented exempt list below): a route a
 * feature adds without rows fails here, with its method and path listed. See matrix.ts "HOW A FEATURE
 * ADDS ROWS": export the rows from a file in rows/ and run them from a *.matrix.test.ts — this test
 * finds every `MatrixRow[]` exported from rows/*.ts by itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { route } from '../../src/platform/http/route.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { rowName, type MatrixRow } from './matrix.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * Routes with no matrix rows, each with why. Keep it short: anything an org's credential reaches
 * belongs in the matrix. Paths are normalised (`:param` for every parameter).
 */
const EXEMPT: Record<string, string> = {
  // Unauthenticated account entry points: no bearer credential, no org chosen by the caller
  // (test/auth/tokens.test.ts, test/http/conventions.test.ts).
  'POST /api/v1/auth/signup': 'public: creates a new org',
  'POST /api/v1/auth/login': 'public: credentials, not an org',
  'POST /api/v1/auth/refresh': 'public: the refresh token names its own session',
  'POST /api/v1/auth/logout': 'public: the refresh token names its own session',
  'POST /api/v1/auth/accept-invite': 'public: the invite token names its org',
  // Operational, not tenant data.
  'GET /health': 'liveness probe',
  'GET /metrics': 'Prometheus metrics, bearer token of the operator (smoke.test.ts)',
  'GET /api/v1/openapi.json': 'the API description',
  'GET /*': 'the web console: static files, no tenant data (test/console/static.test.ts)',
  // Provider callbacks: the org comes from the channel id and the channel's own signing secret
  // (test/channels/webhooks.test.ts: another org's channel, a wrong secret and an unknown id).
  'POST /api/v1/webhooks/:param/:param': 'provider webhook (signed)',
  'GET /api/v1/webhooks/:param/:param': 'provider webhook (signed)',
  'POST /api/v1/webhooks/exotel/:param/:param': 'provider webhook (token in path)',
  'GET /api/v1/webhooks/exotel/:param/:param': 'provider webhook (token in path)',
  // The web widget's script and demo page: static, the same for everyone, no tenant data.
  'GET /widget.js': 'static script',
  'GET /widget/demo.js': 'static script',
  'GET /widget/capture-worklet.js': 'static script (the microphone capture AudioWorklet)',
  'GET /widget/demo': 'static page (its script asks the API with the credential typed in)',
};
/** Every path under these prefixes is exempt (served by a plugin, not by a feature). */
const EXEMPT_PREFIXES: Record<string, string> = { '/docs': 'Swagger UI and its static files' };

/** Tested for every role and both orgs by hand, outside the JSON runner (the file says where). */
const TESTED_BY_HAND: Record<string, string> = {
  'POST /api/v1/knowledge/upload': 'multipart: knowledge.matrix.test.ts runs the role table by hand',
  'POST /api/v1/campaigns/:param/contacts/import': 'multipart: campaigns.matrix.test.ts runs the role table by hand',
  // WebSockets, credential = the session-url token of a channel: isolation/widget-socket.test.ts.
  'GET /ws/agent/:param': 'WebSocket: isolation/widget-socket.test.ts (both orgs, own/other org/missing)',
  'GET /ws/flow/:param': 'WebSocket: isolation/widget-socket.test.ts (both orgs, own/other org/missing)',
  // Phone media streams, credential = the signed stream token of a call: test/voice/twilio-calls.test.ts
  // (no token, a used one, one naming another org's call or channel, another provider's path).
  'GET /api/v1/voice/stream/:param/*': 'WebSocket: test/voice/twilio-calls.test.ts (stream tokens across orgs, calls, providers)',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `GET /api/v1/agents/:param`: the query dropped and every parameter (`:id`, a seed's `{seed x}` or id) one name. */
export function routeKey(method: string, url: string): string {
  const segments = url.replace(/[?#].*$/, '').split('/').map((s) => (s.startsWith(':') || /^\{.*\}$/.test(s) || UUID.test(s) ? ':param' : s));
  return `${method.toUpperCase()} ${segments.join('/')}`;
}
const rowKey = (r: MatrixRow) => routeKey(r.op.method, `/api/v1${r.op.path}`);

/** Every `MatrixRow[]` exported by a file in rows/: adding rows needs no list to be edited. */
const rowModules = import.meta.glob<Record<string, unknown>>('./rows/*.ts', { eager: true });
const isRowArray = (v: unknown): v is MatrixRow[] =>
  Array.isArray(v) && v.length > 0 && v.every((r) => r !== null && typeof r === 'object' && 'op' in r && 'expect' in r && 'caller' in r);
const ROWS_BY_FILE = Object.entries(rowModules).map(([file, mod]) => ({ file: path.basename(file), rows: Object.values(mod).filter(isRowArray).flat() }));
const ALL_ROWS = ROWS_BY_FILE.flatMap((f) => f.rows);

/** The routes registered minus the exempt ones, as route keys. */
function requiredRoutes(routes: readonly string[]): string[] {
  return routes.filter((k) => !(k in EXEMPT) && !Object.keys(EXEMPT_PREFIXES).some((p) => k.split(' ')[1]!.startsWith(p)));
}

/** What the matrix lacks: registered routes without rows (and not tested by hand). */
function missingRoutes(routes: readonly string[], rows: readonly MatrixRow[]): string[] {
  const covered = new Set([...rows.map(rowKey), ...Object.keys(TESTED_BY_HAND)]);
  return requiredRoutes(routes).filter((k) => !covered.has(k)).sort();
}

async function registeredRoutes(t: TestApp, extra: Parameters<typeof buildApp>[1] = {}): Promise<string[]> {
  const seen = new Set<string>();
  const onRoute = (r: RouteOptions) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD' && m !== 'OPTIONS') seen.add(routeKey(m, r.url));
  };
  const app = await buildApp(t.deps, { ...extra, onRoute });
  await app.ready();
  await app.close();
  return [...seen].sort();
}

describe(`isolation matrix covers every route (${modeName})`, () => {
  let t: TestApp;
  let routes: string[];
  beforeAll(async () => {
    t = await createTestApp();
    routes = await registeredRoutes(t);
  });
  afterAll(async () => t?.close());

  it('every registered route has matrix rows, or is on the commented exempt list', () => {
    expect(routes.length).toBeGreaterThan(50);
    const missing = missingRoutes(routes, ALL_ROWS);
    expect(missing, `routes without isolation-matrix rows (add rows in test/isolation/rows/, see matrix.ts):\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  it('the matrix names no route that does not exist, and the exempt lists are not stale', () => {
    const registered = new Set(routes);
    const unknown = [...new Set(ALL_ROWS.map(rowKey))].filter((k) => !registered.has(k)).sort();
    expect(unknown, 'matrix rows for routes that are not registered').toEqual([]);
    for (const k of [...Object.keys(EXEMPT), ...Object.keys(TESTED_BY_HAND)]) expect(registered.has(k), `stale entry ${k}`).toBe(true);
    for (const k of Object.keys(EXEMPT)) expect(ALL_ROWS.some((r) => rowKey(r) === k), `${k} has rows: take it off the exempt list`).toBe(false);
  });

  it('a route added without rows is reported with its method and path (DELETE /agents/:id/purge)', async () => {
    // The finding that prompted this test: a viewer-readable delete that passed every other test.
    const purge = route({ method: 'DELETE', url: '/agents/:id/purge', operation: 'agents.purge', permission: 'config:read', status: 204, handler: async () => undefined });
    const withPurge = await registeredRoutes(t, { extraRoutes: [purge] });
    expect(missingRoutes(withPurge, ALL_ROWS)).toEqual(['DELETE /api/v1/agents/:param/purge']);
  });

  it('rows are found in every rows/*.ts file, and every such file is run by a test in test/isolation', () => {
    const files = readdirSync(path.join(HERE, 'rows')).filter((f) => f.endsWith('.ts'));
    expect(ROWS_BY_FILE.map((f) => f.file).sort()).toEqual(files.sort());
    const tests = readdirSync(HERE).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts').map((f) => readFileSync(path.join(HERE, f), 'utf8'));
    for (const { file, rows } of ROWS_BY_FILE) {
      expect(rows.length, `${file} exports no MatrixRow[]`).toBeGreaterThan(0);
      const spec = `./rows/${file.replace(/\.ts$/, '.js')}`;
      expect(tests.some((src) => src.includes(`'${spec}'`) && src.includes('runMatrix(')), `${file}: no *.test.ts in test/isolation imports it and calls runMatrix`).toBe(true);
    }
  });

  it('no duplicate rows; every route with an id is tried with the other org\'s id, from both orgs', () => {
    const names = ALL_ROWS.map(rowName);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const withParam = [...new Set(ALL_ROWS.filter((r) => r.op.resource).map(rowKey))];
    for (const k of withParam) {
      for (const org of ['A', 'B'] as const) {
        expect(ALL_ROWS.some((r) => rowKey(r) === k && r.org === org && r.target === 'other_org'), `${k}: no other_org row from org ${org}`).toBe(true);
      }
    }
  });
});
