/**
 * The widget's browser code (the top-level widget/ folder: hand-written TypeScript, no framework), turned
 * into single minified scripts at run time by esbuild — each entry bundled with the widget/ modules it
 * imports (voice-audio.ts, which the console imports too), a few milliseconds, once per process — so no
 * build output is ever committed or shipped stale. esbuild is already what runs the server (tsx), so
 * this adds no toolchain.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

/** The repository's widget/ folder (the same depth from src/pipeline/ws/ and dist/pipeline/ws/). */
const WIDGET_DIR = new URL('../../../widget/', import.meta.url);

export type WidgetAsset = 'widget.ts' | 'demo.ts' | 'capture-worklet.ts' | 'demo.html';

const cache = new Map<WidgetAsset, Promise<string>>();

async function build(name: WidgetAsset): Promise<string> {
  if (name.endsWith('.html')) return readFile(new URL(name, WIDGET_DIR), 'utf8');
  const out = await esbuild({
    entryPoints: [fileURLToPath(new URL(name, WIDGET_DIR))], bundle: true, write: false, format: 'iife', target: 'es2020', minify: true, legalComments: 'none', logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

export function widgetAsset(name: WidgetAsset): Promise<string> {
  let p = cache.get(name);
  if (!p) {
    p = build(name);
    // A failed build is retried on the next request rather than cached.
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p;
}
