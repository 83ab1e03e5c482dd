/**
 * The import graph of src/ (production files only: *.test.ts are left out), read with TypeScript's own
 * pre-processor, so static, type-only, re-export and dynamic imports all count.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the repository root, with forward slashes. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Resolved file relative to the root, or null for a package import. */
  to: string | null;
}

const toPosix = (p: string): string => p.split(sep).join('/');

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listSources(full));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base.replace(/\.js$/, '.ts');
}

/** Every import of every production file under `srcDir` (an absolute path inside `root`). */
export function importEdges(root: string, srcDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of listSources(srcDir)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      const to = specifier.startsWith('.') ? toPosix(relative(root, resolveRelative(file, specifier))) : null;
      edges.push({ from: toPosix(relative(root, file)), specifier, to });
    }
  }
  return edges;
}

/** `src/features/agents/x/y.ts` → `agents`; null outside src/features/<name>/. */
export function featureOf(path: string): string | null {
  const m = /^src\/features\/([^/]+)\//.exec(path);
  return m ? m[1]! : null;
}

/** The strongly connected components with more than one node (Tarjan): each one is a cycle. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}
