import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NO_DIST, ROOT } from '../helpers/cli.js';

// `ai` and `@langchain/core` are optional peers: only clove/adapters/* may load them, so the core
// package works for users who installed neither.

const run = promisify(execFile);
const PEER = /^(ai|ai\/.*|@langchain\/.*)$/;
// Every top-level folder of the package's code; the adapters, their examples and tests may use the peers.
const NOT_CORE = new Set(['adapters', 'examples', 'test', 'node_modules', 'dist', 'docs', 'coverage']);
const CORE_DIRS = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_CORE.has(e.name)).map((e) => e.name);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

// Resolving the peers fails, as in a Node where they are not installed.
const BLOCK = join(ROOT, 'test', 'fixtures', 'adapters', 'block-peers.mjs');

describe('optional peer dependencies', () => {
  it('are imported nowhere outside adapters/', () => {
    const offenders = CORE_DIRS.flatMap((d) => sources(join(ROOT, d)))
      .flatMap((file) => specifiers(readFileSync(file, 'utf8')).filter((s) => PEER.test(s)).map((s) => `${relative(ROOT, file)} imports ${s}`));
    expect(CORE_DIRS).toEqual(expect.arrayContaining(['kernel', 'sdk', 'cli', 'gym', 'agents']));
    expect(offenders).toEqual([]);
    // The scan sees the adapters' own imports, so it would see a stray one.
    const adapterImports = sources(join(ROOT, 'adapters')).flatMap((f) => specifiers(readFileSync(f, 'utf8')));
    expect(adapterImports).toEqual(expect.arrayContaining(['ai', '@langchain/core/tools']));
  });

  it('are optional peers in package.json, not dependencies, and each adapter is an export', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const name of ['ai', '@langchain/core']) {
      expect(pkg.dependencies?.[name], name).toBeUndefined();
      expect(pkg.peerDependencies?.[name], name).toBeDefined();
      expect(pkg.peerDependenciesMeta?.[name], name).toEqual({ optional: true });
    }
    expect(Object.keys(pkg.exports ?? {})).toEqual(expect.arrayContaining(['./adapters/ai-sdk', './adapters/langchain']));
  });

  it.skipIf(NO_DIST)('leave every other entry point loadable when they are missing', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const entries = Object.keys(pkg.exports).filter((e) => e !== './package.json' && !e.startsWith('./adapters/')).map((e) => `clove/${e.slice(2)}`);
    expect(entries).toEqual(expect.arrayContaining(['clove/sdk', 'clove/gym', 'clove/kernel']));
    const script = `for (const e of ${JSON.stringify(entries)}) await import(e); console.log('loaded');`;
    const ok = await run(process.execPath, ['--import', BLOCK, '--input-type=module', '-e', script], { cwd: ROOT });
    expect(ok.stdout.trim()).toBe('loaded');
    // The same hook does stop an adapter, so the check above is not vacuous.
    const adapter = run(process.execPath, ['--import', BLOCK, '--input-type=module', '-e', "await import('clove/adapters/ai-sdk')"], { cwd: ROOT });
    await expect(adapter).rejects.toMatchObject({ stderr: expect.stringContaining('peer ai is not installed') });
  }, 60_000);
});
