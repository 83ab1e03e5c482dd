/**
 * The widget's browser code (the top-level widget/ folder: hand-written TypeScript, no framework), turned
 * into single minified scripts at run time by esbuild's transform — one file each, no bundling, a few
 * milliseconds, once per process — so no build output is ever committed or shipped stale. esbuild is
 * already what runs the server (tsx), so this adds no toolchain.
 */
import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

/** The repository's widget/ folder (the same depth from src/pipeline/ws/ and dist/pipeline/ws/). */
const WIDGET_DIR = new URL('../../../widget/', import.meta.url);

export type WidgetAsset = 'widget.ts' | 'demo.ts' | 'demo.html';

const cache = new Map<WidgetAsset, Promise<string>>();

async function build(name: WidgetAsset): Promise<string> {
  const source = await readFile(new URL(name, WIDGET_DIR), 'utf8');
  if (name.endsWith('.html')) return source;
  const out = await transform(source, { loader: 'ts', format: 'iife', target: 'es2020', minify: true, legalComments: 'none' });
  return out.code;
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
