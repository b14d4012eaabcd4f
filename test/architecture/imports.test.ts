import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The import graph of the source tree, read with the TypeScript compiler's own pre-processor, so
 * `import type`, `export … from` and `import('…')` count as well as plain imports.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sources(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** Relative imports of one file, as repository paths of .ts files (`./a.js` is `./a.ts`). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = relative(ROOT, resolve(ROOT, dirname(file), fileName)).replace(/\.js$/, '.ts');
    if (target.endsWith('.ts') && existsSync(join(ROOT, target))) out.push(target);
  }
  return out;
}

function graphOf(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of dirs) for (const file of sources(dir)) graph.set(file, importsOf(file));
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

/**
 * Layers, lowest first: a file may import its own layer or lower ones, never a higher one
 * (cli -> bench -> reports -> gym/scenarios -> kernel -> worlds -> sdk).
 */
const LAYERS: Record<string, number> = {
  sdk: 0,
  worlds: 1,
  agents: 1,
  kernel: 2,
  gym: 3,
  scenarios: 3,
  reports: 4,
  bench: 5,
  cli: 6,
};

describe('import graph', () => {
  it('kernel/ has no import cycle (type imports included)', () => {
    const found = cycles(graphOf(['kernel']));
    expect(found.map((c) => c.join(' <-> ')), 'files in each line import each other, directly or through the others').toEqual([]);
  });

  it('sdk/, worlds/, gym/, bench/ and the rest have no import cycle', () => {
    const found = cycles(graphOf(Object.keys(LAYERS).filter((d) => d !== 'kernel')));
    expect(found.map((c) => c.join(' <-> '))).toEqual([]);
  });

  it('no file imports a layer above its own', () => {
    const graph = graphOf(Object.keys(LAYERS));
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const from = file.split('/')[0]!;
      for (const target of imports) {
        const to = target.split('/')[0]!;
        if (LAYERS[to] !== undefined && LAYERS[to]! > LAYERS[from]!) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('sees a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importsOf('kernel/syscall.ts').length).toBeGreaterThan(0);
  });
});
