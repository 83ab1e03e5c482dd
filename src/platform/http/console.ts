import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
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
 * theme variables into a <style> element and sets style attributes; that cannot run code.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
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

const NOT_BUILT = 'The Converse console is not built.\n\nRun `npm run console:build` (or `npm start`, which builds it first), then reload.\nThe API is available under /api/v1 (documentation at /docs).\n';

async function fileAt(file: string): Promise<{ size: number } | null> {
  const s = await stat(file).catch(() => null);
  return s?.isFile() ? { size: s.size } : null;
}

function send(reply: FastifyReply, file: string, size: number, cache: string): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('cache-control', cache)
    .header('content-length', size)
    .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
    .send(createReadStream(file));
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
    if (found) return send(reply, wanted, found.size, rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (rel.startsWith('assets/')) throw errors.notFound('file');
    const page = await fileAt(index);
    if (!page) return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT);
    return send(reply, index, page.size, 'no-cache');
  });
}
