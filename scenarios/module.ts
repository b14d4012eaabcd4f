/**
 * Imports scenario code (generators, reference agents, peers, custom checks) written in
 * TypeScript or JavaScript. A compiled `.js` beside the build output is preferred; a `.ts` file is
 * imported as is where the runtime understands TypeScript (vitest, tsx), else through tsx's
 * `tsImport`, so scenarios outside the package work from the installed CLI too.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ScenarioModuleError } from './errors.js';

/** The package root (holds scenarios/ and, once built, dist/scenarios/). */
const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = here.endsWith(join('dist', 'scenarios')) ? resolve(here, '..', '..') : resolve(here, '..');

/** The compiled twin of a built-in scenario module (dist/scenarios/<name>/x.js), when there is one. */
function compiledTwin(path: string): string | undefined {
  const rel = relative(PACKAGE_ROOT, path);
  if (rel.startsWith('..') || !rel.startsWith('scenarios') || !path.endsWith('.ts')) return undefined;
  const twin = join(PACKAGE_ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
  return existsSync(twin) ? twin : undefined;
}

/** Runtimes that import .ts natively (vitest's module runner, tsx). */
function importsTypeScript(): boolean {
  return import.meta.url.endsWith('.ts');
}

/**
 * Imports a module of a scenario and returns its namespace.
 * Throws `ScenarioModuleError` (SCENARIO_MODULE_INVALID) naming the file when it is missing or fails to load.
 */
export async function importScenarioModule(path: string): Promise<Record<string, unknown>> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new ScenarioModuleError(absolute, 'the file does not exist');
  try {
    const twin = compiledTwin(absolute);
    if (twin !== undefined && !importsTypeScript()) return (await import(pathToFileURL(twin).href)) as Record<string, unknown>;
    if (absolute.endsWith('.ts') && !importsTypeScript()) {
      const { tsImport } = await import('tsx/esm/api');
      const ns = (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>;
      // Outside a "type": "module" package tsx loads the file as CommonJS: its exports sit under default.
      const inner = ns.default;
      return inner !== null && typeof inner === 'object' && 'default' in inner ? { ...(inner as Record<string, unknown>) } : ns;
    }
    return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ScenarioModuleError(absolute, `importing it failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Imports a module and returns its default export, checked to be a function. */
export async function importDefaultFunction<F extends (...args: never[]) => unknown>(path: string, what: string): Promise<F> {
  const mod = await importScenarioModule(path);
  const fn = mod.default;
  if (typeof fn !== 'function') throw new ScenarioModuleError(resolve(path), `its default export must be ${what}, got ${typeof fn}`);
  return fn as F;
}
