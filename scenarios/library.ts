/** The built-in scenario library: every folder under scenarios/ that holds a scenario.yaml. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioNotFoundError } from './errors.js';
import { loadScenario } from './loader.js';
import { PACKAGE_ROOT } from './module.js';
import type { Scenario } from './scenario.js';

/** Where the built-in scenario folders live. */
export const BUILTIN_SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');

let cached: Promise<Scenario[]> | undefined;

/**
 * Loads every built-in scenario (once per process), sorted by id.
 *
 * @example
 * const all = await builtinScenarios();
 * all.map((s) => s.id); // ['config-migration-v1', ...]
 */
export function builtinScenarios(): Promise<Scenario[]> {
  cached ??= (async () => {
    const dirs = readdirSync(BUILTIN_SCENARIOS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(BUILTIN_SCENARIOS_DIR, d.name, 'scenario.yaml')))
      .map((d) => join(BUILTIN_SCENARIOS_DIR, d.name));
    const loaded = await Promise.all(dirs.map((d) => loadScenario(d)));
    return loaded.sort((a, b) => a.id.localeCompare(b.id));
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** One built-in scenario by id (`name-v1`); an unknown id lists the known ones. */
export async function builtinScenario(id: string): Promise<Scenario> {
  const all = await builtinScenarios();
  const found = all.find((s) => s.id === id);
  if (found === undefined) throw new ScenarioNotFoundError(id, all.map((s) => s.id));
  return found;
}
