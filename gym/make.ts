import type { ActionHints } from './actions/index.js';
import { cachedInitial, ScenarioEnv, type Env, type EnvOptions } from './env.js';
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

/** Paths and URLs of the seed-0 instance, so that sampled actions touch the world (random baseline). */
async function actionHints(scenario: GymScenario, cache: number): Promise<ActionHints> {
  const { instance } = await cachedInitial(scenario, 0, cache);
  const fs = instance.world.filesystem;
  const paths = [...(fs?.files ?? []).map((f) => f.path), ...(fs?.directories ?? []), '/'].slice(0, 200);
  const urls = (instance.world.network?.routes ?? [])
    .map((r) => r.url.replace(/:([A-Za-z_]\w*)/g, '1').replace(/\*/g, 'x'))
    .filter((u) => /^https?:\/\//.test(u))
    .slice(0, 100);
  return { paths: [...new Set(paths)], ...(urls.length > 0 ? { urls: [...new Set(urls)] } : { urls: ['http://example.invalid/'] }) };
}

/** The bare env of a spec (no wrappers): what make wraps, vector envs and benchmarks use. */
export async function makeUnwrapped(idOrSpec: string | EnvSpec, options: EnvOptions = {}): Promise<ScenarioEnv> {
  const spec = typeof idOrSpec === 'string' ? await registry.lookup(idOrSpec) : idOrSpec;
  const scenario = await scenarioOf(spec);
  const merged = { ...spec.options, ...options };
  return new ScenarioEnv(
    scenario,
    spec.grade,
    merged,
    { ...(spec.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: spec.maxEpisodeSteps } : {}) },
    await actionHints(scenario, merged.snapshotCache ?? 64),
  );
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
  if (record) env = new RecordEpisode(env, record, { envOptions: { ...envOptions, ...(steps !== undefined ? { maxEpisodeSteps: steps } : {}) }, ...(spec.source ? { source: spec.source } : {}) });
  return env;
}
