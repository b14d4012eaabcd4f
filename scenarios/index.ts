/**
 * Scenarios: a world + task + success checks + reward + limits, in a folder with a reference agent
 * and an optional seeded generator. See docs/scenarios.md.
 *
 * @example
 * import { builtinScenario, grade } from 'clove/scenarios';
 * const scenario = await builtinScenario('log-triage-v1');
 * const instance = await scenario.instantiate(3);
 * // ... run an agent in createWorld(instance.world) ...
 * const result = await grade(instance, { world, submitted, answer, outputs, llmPrompts, exec });
 *
 * @module
 */
export { loadScenario, loadReference } from './loader.js';
export { builtinScenarios, builtinScenario, BUILTIN_SCENARIOS_DIR } from './library.js';
export { scenarioSchema } from './schema.js';
export { grade } from './grade.js';
export { checkKinds } from './checks/index.js';
export type { CheckContext, CheckKind, CheckResult, CheckSpec, CustomCheckFunction } from './checks/index.js';
export { ScenarioRandom, generatorContext } from './generator.js';
export type { GeneratorContext, ScenarioGenerator } from './generator.js';
export { importScenarioModule } from './module.js';
export { render as renderTemplate } from './template.js';
export { ScenarioError, ScenarioSchemaError, ScenarioModuleError, ScenarioGeneratorError, ScenarioNotFoundError } from './errors.js';
export type {
  Scenario,
  ScenarioDefinition,
  ScenarioInstance,
  ScenarioLimits,
  ScenarioPeer,
  ScenarioReward,
  PenaltySpec,
  Difficulty,
  GradeContext,
  GradeResult,
} from './scenario.js';
