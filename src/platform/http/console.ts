import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';

/**
 * The web console: the static files Vite builds into console/dist, served at `/`. Explicit routes
 * always win over this catch-all (the router prefers static segments), and paths under the API's
 * prefixes are never answered with the console: an unknown `/api/...` stays the API's JSON 404.
 * Any other unknown GET path gets index.html, so the console's client-side routes survive a reload.
 */
const RESERVED = /^\/(api|ws|docs|widget|health|metrics)(\/|$|\.|\?)/;

/**
 * Scripts only from our own origin (no inline script, no eval). Styles allow inline: Mantine writes its
 * theme variables into a <style> element and sets style attributes; that cannot run code. Media from
 * blob: URLs: a call recording is fetched with the bearer token and played from a blob (an <audio src>
 * cannot send the Authorization header).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The types the build precompresses (the same list as console/scripts/compress.ts). */
const COMPRESSED = /\.(js|css|html|svg|json|txt)$/;

const NOT_BUILT = 'The Converse console is not built.\n\nRun `npm run console:build` (or `npm start`, which builds it first), then reload.\nThe API is available under /api/v1 (documentation at /docs).\n';

async function fileAt(file: string): Promise<{ size: number } | null> {
  const s = await stat(file).catch(() => null);
  return s?.isFile() ? { size: s.size } : null;
}

/**
 * The build writes brotli and gzip copies beside each text asset (console/scripts/compress.ts): send the
 * best one the browser accepts (`br` over `gzip`; a `;q=0` refuses), else the file itself.
 */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

function accepted(header: string | undefined): Set<string> {
  const names = new Set<string>();
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim());
    const q = params.find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) names.add(name);
  }
  return names;
}

async function send(request: FastifyRequest, reply: FastifyReply, file: string, size: number, cache: string): Promise<FastifyReply> {
  reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('cache-control', cache)
    .type(TYPES[path.extname(file)] ?? 'application/octet-stream');
  if (COMPRESSED.test(file)) {
    reply.header('vary', 'accept-encoding');
    const ok = accepted(request.headers['accept-encoding']);
    for (const enc of ENCODINGS) {
      const copy = ok.has(enc.name) || ok.has('*') ? await fileAt(file + enc.ext) : null;
      if (copy) return reply.header('content-encoding', enc.name).header('content-length', copy.size).send(createReadStream(file + enc.ext));
    }
  }
  return reply.header('content-length', size).send(createReadStream(file));
}

export function installConsole(app: FastifyInstance, distDir: string): void {
  const root = path.resolve(distDir);
  const index = path.join(root, 'index.html');
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const urlPath = request.url.replace(/[?#].*$/, '');
    if (RESERVED.test(urlPath)) throw errors.notFound('route');
    const rel = (request.params as { '*': string })['*'];
    const wanted = path.resolve(root, rel);
    const inside = wanted.startsWith(root + path.sep);
    const found = inside ? await fileAt(wanted) : null;
    // Vite names every asset by its content hash: a name never changes meaning, so it may be cached forever.
    if (found) return send(request, reply, wanted, found.size, rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (rel.startsWith('assets/')) throw errors.notFound('file');
    const page = await fileAt(index);
    if (!page) return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT);
    return send(request, reply, index, page.size, 'no-cache');
  });
}
