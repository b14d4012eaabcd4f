import { ScenarioEnv, type Env, type EnvOptions } from './env.js';
import { registry, type EnvSpec } from './registry.js';
import type { GymScenario } from './scenario.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { PassiveEnvChecker } from './wrappers/passive-checker.js';
import { RecordEpisode } from './wrappers/record-episode.js';
import { TimeLimit } from './wrappers/time-limit.js';

/** Options of {@link make}: the env's own plus the wrappers make applies. */
export interface MakeOptions extends EnvOptions {
  /** TimeLimit wrapper (default: the spec's `maxEpisodeSteps`, else none). */
  maxEpisodeSteps?: number;
  /** Leave out the PassiveEnvChecker (OrderEnforcing stays). Default false. */
  disableEnvChecker?: boolean;
  /** Record the trajectory (RecordEpisode) to this JSON-lines file. */
  record?: string;
}

const loaded = new WeakMap<EnvSpec, Promise<GymScenario>>();

/** The spec's scenario, loaded once per spec (so its per-seed snapshots are shared by every env). */
export function scenarioOf(spec: EnvSpec): Promise<GymScenario> {
  let scenario = loaded.get(spec);
  if (!scenario) {
    scenario = typeof spec.scenario === 'function' ? spec.scenario() : Promise.resolve(spec.scenario);
    scenario.catch(() => loaded.delete(spec));
    loaded.set(spec, scenario);
  }
  return scenario;
}

/** The bare env of a spec (no wrappers): what make wraps, vector envs and benchmarks use. */
export async function makeUnwrapped(idOrSpec: string | EnvSpec, options: EnvOptions = {}): Promise<ScenarioEnv> {
  const spec = typeof idOrSpec === 'string' ? await registry.lookup(idOrSpec) : idOrSpec;
  const scenario = await scenarioOf(spec);
  return new ScenarioEnv(scenario, spec.grade, { ...spec.options, ...options }, {
    ...(spec.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: spec.maxEpisodeSteps } : {}),
  });
}

/**
 * Makes an env by id, wrapped as Gymnasium does: PassiveEnvChecker, OrderEnforcing, then
 * TimeLimit when a step budget is set, then RecordEpisode when `record` is given.
 *
 * @example
 * const env = await make('file-repair-v1', { maxEpisodeSteps: 50 });
 * const { observation, info } = await env.reset({ seed: 3 });
 */
export async function make(idOrSpec: string | EnvSpec, options: MakeOptions = {}): Promise<Env> {
  const { maxEpisodeSteps, disableEnvChecker, record, ...envOptions } = options;
  const spec = typeof idOrSpec === 'string' ? await registry.lookup(idOrSpec) : idOrSpec;
  let env: Env = await makeUnwrapped(spec, envOptions);
  if (!disableEnvChecker) env = new PassiveEnvChecker(env);
  env = new OrderEnforcing(env);
  const steps = maxEpisodeSteps ?? spec.maxEpisodeSteps;
  if (steps !== undefined) env = new TimeLimit(env, steps);
  if (record) env = new RecordEpisode(env, record, { envOptions: { ...envOptions, ...(steps !== undefined ? { maxEpisodeSteps: steps } : {}) } });
  return env;
}
