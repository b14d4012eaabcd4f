/**
 * The built-in scenarios (scenarios/<name>/) as env specs: imported for its effect by clove/gym,
 * so `make('file-repair-v1')` finds them on first lookup.
 */
import { builtinScenarios, grade, loadScenario, type Scenario, type ScenarioInstance } from '../scenarios/index.js';
import type { Grader } from './scenario.js';
import { setBuiltinLoader, type EnvSpec } from './registry.js';

/** Grades with the scenario library's checks (the instance always comes from a scenarios/ Scenario). */
export const gradeScenario: Grader = (instance, ctx) => grade(instance as unknown as ScenarioInstance, ctx);

/** An env spec for a loaded scenario. */
export function specFromScenario(scenario: Scenario, source = scenario.dir): EnvSpec {
  return { id: scenario.id, scenario, grade: gradeScenario, description: scenario.description, source };
}

/** Loads a scenario folder or scenario.yaml as an env spec (`clove gym check DIR`, `validate`). */
export async function specFromPath(path: string): Promise<EnvSpec> {
  return specFromScenario(await loadScenario(path), path);
}

setBuiltinLoader(async () => (await builtinScenarios()).map((s) => specFromScenario(s, 'builtin')));
