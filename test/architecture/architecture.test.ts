import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, featureOf, importEdges, type ImportEdge } from './import-graph.js';

// The dependency rules of ARCHITECTURE.md ("Dependencies"), checked on every production file of src/.
const root = fileURLToPath(new URL('../../', import.meta.url));
const edges = importEdges(root, `${root}src`);
const show = (e: ImportEdge): string => `${e.from} -> ${e.specifier}`;

/** Feature files that adapt HTTP requests, and so may use Fastify's types besides routes.ts. */
const HTTP_ADAPTERS = new Set(['src/features/knowledge/multipart.ts']);
const isRoutes = (path: string): boolean => /\/routes(\.[a-z-]+)?\.ts$|\/[a-z-]+-routes\.ts$/.test(path) || HTTP_ADAPTERS.has(path);

describe('architecture: import rules', () => {
  it('reads the import graph (guards the other checks against reading nothing)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((e) => e.from.startsWith('src/features/') && e.to?.startsWith('src/platform/'))).toBe(true);
  });

  it("no feature imports another feature's repo", () => {
    const bad = edges.filter((e) => {
      const from = featureOf(e.from);
      const to = e.to ? featureOf(e.to) : null;
      return from !== null && to !== null && from !== to && /\/repo\.ts$|\/repo\//.test(e.to!);
    });
    expect(bad.map(show)).toEqual([]);
  });

  it('no import cycle between feature folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const from = featureOf(e.from);
      const to = e.to ? featureOf(e.to) : null;
      if (!from || !to || from === to) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
    const found = cycles(graph).map((c) => {
      const via = edges.filter((e) => c.includes(featureOf(e.from) ?? '') && e.to && c.includes(featureOf(e.to) ?? '') && featureOf(e.from) !== featureOf(e.to));
      return `${c.join(' <-> ')}: ${via.map(show).join(', ')}`;
    });
    expect(found).toEqual([]);
  });

  it('platform imports no feature, pipeline or telephony, and neither does deps.ts', () => {
    const bad = edges.filter((e) => (e.from.startsWith('src/platform/') || e.from === 'src/deps.ts') && e.to && /^src\/(features|pipeline|telephony)\//.test(e.to));
    expect(bad.map(show)).toEqual([]);
  });

  it('no feature imports the pipeline; telephony imports neither features, the pipeline nor the database', () => {
    const bad = edges.filter((e) => e.to && ((e.from.startsWith('src/features/') && e.to.startsWith('src/pipeline/')) || (e.from.startsWith('src/telephony/') && /^src\/(features|pipeline|platform\/db)\//.test(e.to))));
    expect(bad.map(show)).toEqual([]);
  });

  it('voice (codecs, VAD, speech engines) imports no feature, pipeline, telephony or database code', () => {
    const bad = edges.filter((e) => e.from.startsWith('src/voice/') && e.to && /^src\/(features|pipeline|telephony|platform\/db)\//.test(e.to));
    expect(bad.map(show)).toEqual([]);
  });

  it('services never import Fastify (only routes, HTTP adapters and platform/http do)', () => {
    const fastify = (e: ImportEdge): boolean => e.to === null && /^(fastify|@fastify\/|fastify-)/.test(e.specifier);
    // Route files of features, and of the pipeline's transports (the widget WebSocket is a Fastify plugin).
    const routeFile = (from: string): boolean => /^src\/(features|pipeline)\//.test(from) && isRoutes(from);
    const bad = edges.filter((e) => fastify(e) && !e.from.startsWith('src/platform/http/') && !['src/app.ts', 'src/cli.ts'].includes(e.from) && !routeFile(e.from));
    expect(bad.map(show)).toEqual([]);
  });

  it('one guarded outbound client: only deps.ts builds a SafeFetch (features use deps.safeFetch)', () => {
    const files = [...new Set(edges.map((e) => e.from))];
    const builders = files.filter((f) => /\bcreateSafeFetch\(/.test(readFileSync(`${root}${f}`, 'utf8')) && !f.startsWith('src/platform/outbound/'));
    expect(builders).toEqual(['src/deps.ts']);
  });
});
