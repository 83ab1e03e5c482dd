/**
 * `/widget.js` (the embeddable widget), `/widget/capture-worklet.js` (its microphone, also the console
 * playground's) and `/widget/demo` (a page to try a web channel), explicit routes
 * so they win over any static fallback. docs/widget.md.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { widgetAsset } from './assets.js';

const JS = 'application/javascript; charset=utf-8';

/** The demo page runs only its own scripts; the WebSocket goes to this server (or CONVERSE_PUBLIC_URL). */
function demoCsp(publicUrl: string | undefined): string {
  const ws = publicUrl ? ` ${new URL(publicUrl).origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", `connect-src 'self'${ws}`, "img-src 'self' data:",
    "base-uri 'none'", "form-action 'none'", "frame-ancestors 'self'",
  ].join('; ');
}

export function registerWidgetAssets(app: FastifyInstance, deps: Deps): void {
  app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
    const code = await widgetAsset('widget.ts');
    // Loaded by customers' pages from another origin: the default same-origin CORP would block it.
    return reply
      .header('content-type', JS)
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=300')
      .send(code);
  });
  // The microphone's AudioWorklet module (widget/voice-audio.ts): fetched in CORS mode by customers' pages.
  app.get('/widget/capture-worklet.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', JS)
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=300')
      .send(await widgetAsset('capture-worklet.ts')),
  );
  app.get('/widget/demo.js', { schema: { hide: true } }, async (_request, reply) => reply.header('content-type', JS).send(await widgetAsset('demo.ts')));
  app.get('/widget/demo', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', demoCsp(deps.config.publicUrl)).send(await widgetAsset('demo.html')),
  );
}
