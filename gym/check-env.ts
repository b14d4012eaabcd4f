import { createWorld, WorldRandom } from '../worlds/index.js';
import type { ScenarioEnv, StepResult } from './env.js';
import { EnvClosedError, InvalidActionError, toError } from './errors.js';
import { makeUnwrapped, scenarioOf } from './make.js';
import { registry, type EnvSpec } from './registry.js';
import type { EpisodeLimits } from './scenario.js';
import type { Action, ToolName } from './tools.js';

/** One check of `checkEnv`. `skipped` checks do not fail the env; the message says why. */
export interface EnvCheck {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  message: string;
}

export interface EnvCheckReport {
  id: string;
  passed: boolean;
  checks: EnvCheck[];
  durationMs: number;
}

export interface CheckEnvOptions {
  /** Seed of the determinism checks (default 123). */
  seed?: number;
  /** Sampled actions per determinism run (default 8). */
  steps?: number;
  /** Run exec actions sandboxed (default true). */
  sandbox?: boolean;
}

/** Fields that hold wall-clock measurements: left out when two runs are compared. */
function stable(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (['wallMs', 'startedAt', 'cpuUserMs', 'cpuSystemMs', 'peakMemoryBytes', 'trajectory'].includes(key) ? undefined : v));
}

class Failed extends Error {}
function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Failed(message);
}

/** Actions that never end an episode, for the determinism runs (submit would stop them early). */
function sampleAction(env: ScenarioEnv, rng: WorldRandom): Action {
  for (let i = 0; i < 100; i++) {
    const action = env.actionSpace.sample(rng);
    if (action.tool !== 'submit' && action.tool !== 'recv') return action;
  }
  return { tool: 'list_dir', args: { path: '/' } } as Action;
}

async function run(env: ScenarioEnv, seed: number, actions: Action[]): Promise<string[]> {
  const out: string[] = [];
  const first = await env.reset({ seed });
  out.push(stable(first.observation) + env.stateHash());
  for (const action of actions) {
    let result: StepResult;
    try {
      result = await env.step(action);
    } catch (error) {
      out.push(`threw ${toError(error).message}`);
      break;
    }
    out.push(stable({ o: result.observation, r: result.reward, t: result.terminated, u: result.truncated, i: result.info }) + env.stateHash());
    if (result.terminated || result.truncated) break;
  }
  return out;
}

function firstDifference(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Gymnasium's `check_env` for a Clove env, plus world determinism: spaces, reset determinism and
 * seeding, step determinism, every limit truncating, snapshot/restore mid-episode, invalid actions
 * leaving the episode unchanged, close idempotent.
 *
 * @example
 * const report = await checkEnv('file-repair-v1');
 * if (!report.passed) console.log(report.checks.filter((c) => c.status === 'failed'));
 */
export async function checkEnv(idOrSpec: string | EnvSpec, options: CheckEnvOptions = {}): Promise<EnvCheckReport> {
  const started = performance.now();
  const spec = typeof idOrSpec === 'string' ? await registry.lookup(idOrSpec) : idOrSpec;
  const scenario = await scenarioOf(spec);
  const seed = options.seed ?? 123;
  const envOptions = { sandbox: options.sandbox ?? true };
  const checks: EnvCheck[] = [];
  const check = async (name: string, body: () => Promise<string | { skipped: string }>): Promise<void> => {
    try {
      const result = await body();
      checks.push(typeof result === 'string' ? { name, status: 'passed', message: result } : { name, status: 'skipped', message: result.skipped });
    } catch (error) {
      checks.push({ name, status: 'failed', message: toError(error).message });
    }
  };
  const fresh = (limits?: EpisodeLimits): Promise<ScenarioEnv> => makeUnwrapped(spec, { ...envOptions, ...(limits ? { limits } : {}) });

  await check('spaces', async () => {
    const env = await fresh();
    try {
      const rng = new WorldRandom('check');
      for (let i = 0; i < 50; i++) {
        const a = env.actionSpace.sample(rng);
        ensure(env.actionSpace.contains(a), `actionSpace.sample() gave ${JSON.stringify(a)}, which actionSpace.contains() rejects`);
      }
      return 'action and observation spaces are JSON Schemas; 50 sampled actions are in the action space';
    } finally {
      await env.close();
    }
  });

  await check('reset', async () => {
    const env = await fresh();
    try {
      const r = await env.reset({ seed });
      ensure(env.observationSpace.contains(r.observation), 'reset() returned an observation outside the observation space');
      ensure(r.info !== null && typeof r.info === 'object', 'reset() info is not an object');
      await env.reset({ seed, options: {} });
      return 'reset() returns an observation in the space and an info object; reset({ options: {} }) works';
    } finally {
      await env.close();
    }
  });

  await check('world determinism', async () => {
    const a = await scenario.instantiate(seed);
    const b = await scenario.instantiate(seed);
    ensure(stable(a.task) === stable(b.task), `instantiate(${seed}) twice gave different tasks`);
    const wa = createWorld(a.world, { seed });
    const wb = createWorld(b.world, { seed });
    try {
      const [ha, hb] = [wa.stateHash(), wb.stateHash()];
      if (ha !== hb) {
        const fa = new Map(wa.fs.files().map((f) => [f.path, f.content.toString('base64')]));
        const diff = wb.fs.files().find((f) => fa.get(f.path) !== f.content.toString('base64'))?.path ?? 'a non-file part (clock, kv, network, events)';
        throw new Failed(`instantiate(${seed}) twice built different worlds (hash ${ha.slice(0, 12)} vs ${hb.slice(0, 12)}; first difference: ${diff}): the scenario or its generator uses a source of randomness other than the seed`);
      }
      return `instantiate(${seed}) twice builds the same world (${ha.slice(0, 12)})`;
    } finally {
      wa.close();
      wb.close();
    }
  });

  await check('reset determinism', async () => {
    const env = await fresh();
    try {
      const look = async (s?: number): Promise<string> => {
        const r = await env.reset(s === undefined ? {} : { seed: s });
        return stable(r.observation) + env.stateHash();
      };
      const a1 = await look(seed);
      const a2 = await look();
      const b1 = await look(seed);
      const b2 = await look();
      ensure(a1 === b1, `reset({ seed: ${seed} }) twice gave different observations or world hashes`);
      ensure(a2 === b2, `reset() after reset({ seed: ${seed} }) gave different results each time: the seed sequence does not continue deterministically`);
      if (!scenario.seeded) return `reset(${seed}), reset(), reset(${seed}), reset() agree (the scenario has no generator: seeds vary only the world's random streams)`;
      const other = await look(seed + 1);
      ensure(other !== a1, `reset({ seed: ${seed} }) and reset({ seed: ${seed + 1} }) gave the same observation and world although the scenario is seeded`);
      return `reset(${seed}), reset(), reset(${seed}), reset() agree; seed ${seed + 1} differs`;
    } finally {
      await env.close();
    }
  });

  await check('step determinism', async () => {
    const probe = await fresh();
    const rng = new WorldRandom(`check-actions:${seed}`);
    await probe.reset({ seed });
    const actions = Array.from({ length: options.steps ?? 8 }, () => sampleAction(probe, rng));
    await probe.close();
    const [e1, e2] = [await fresh(), await fresh()];
    try {
      const a = await run(e1, seed, actions);
      const b = await run(e2, seed, actions);
      const i = firstDifference(a, b);
      ensure(i < 0, `two envs given seed ${seed} and the same actions differ at ${i === 0 ? 'reset' : `step ${i} (${actions[i - 1]?.tool})`}`);
      return `two envs, seed ${seed}, ${actions.length} sampled actions (${[...new Set(actions.map((x) => x.tool))].join(', ')}): same observations, rewards, flags, infos and world hashes`;
    } finally {
      await e1.close();
      await e2.close();
    }
  });

  await check('invalid action', async () => {
    const env = await fresh();
    try {
      await env.reset({ seed });
      const before = env.stateHash();
      const steps = env.steps;
      let error: unknown;
      try {
        await env.step({ tool: 'read_file', args: { path: 42 } } as unknown as Action);
      } catch (e) {
        error = e;
      }
      ensure(error instanceof InvalidActionError, `an action with a bad field did not throw InvalidActionError (${error === undefined ? 'it was accepted' : toError(error).message})`);
      ensure(env.stateHash() === before && env.steps === steps, 'an invalid action changed the episode');
      return `invalid action throws ${(error as InvalidActionError).code} naming ${(error as InvalidActionError).field}; the episode is unchanged`;
    } finally {
      await env.close();
    }
  });

  await check('truncation', async () => {
    const tools = new Set<ToolName>(scenario.tools);
    const cases: Array<{ limits: EpisodeLimits; reason: string; action: Action } | { skip: string }> = [
      { limits: { steps: 2 }, reason: 'step_limit', action: { tool: 'list_dir', args: { path: '/' } } },
      { limits: { syscalls: 2 }, reason: 'syscall_limit', action: { tool: 'list_dir', args: { path: '/' } } },
      tools.has('sleep') ? { limits: { virtualTimeMs: 1000 }, reason: 'time_limit', action: { tool: 'sleep', args: { ms: 600 } } } : { skip: 'time_limit (no sleep tool)' },
      tools.has('think') ? { limits: { tokens: 5 }, reason: 'token_limit', action: { tool: 'think', args: { prompt: 'a prompt long enough for several tokens' } } } : { skip: 'token_limit (no think tool)' },
      { limits: { wallTimeMs: 1 }, reason: 'wall_limit', action: { tool: 'list_dir', args: { path: '/' } } },
    ];
    const seen: string[] = [];
    const skipped: string[] = [];
    for (const c of cases) {
      if ('skip' in c) {
        skipped.push(c.skip);
        continue;
      }
      if (!tools.has(c.action.tool)) {
        skipped.push(`${c.reason} (no ${c.action.tool} tool)`);
        continue;
      }
      const env = await fresh(c.limits);
      try {
        await env.reset({ seed });
        let last: StepResult | undefined;
        for (let i = 0; i < 10; i++) {
          if (c.reason === 'wall_limit') await new Promise((r) => setTimeout(r, 3));
          last = await env.step(c.action);
          if (last.terminated || last.truncated) break;
        }
        ensure(last?.truncated === true && last.terminated === false, `limit ${JSON.stringify(c.limits)} did not truncate the episode within 10 steps`);
        ensure(last.info.reason === c.reason && last.info.record?.reason === c.reason, `limit ${JSON.stringify(c.limits)} ended with reason ${String(last.info.reason)}, expected ${c.reason}`);
        let stepAfter: unknown;
        try {
          await env.step(c.action);
        } catch (e) {
          stepAfter = e;
        }
        ensure((stepAfter as { code?: string } | undefined)?.code === 'GYM_RESET_NEEDED', 'stepping a finished episode did not raise GYM_RESET_NEEDED');
        seen.push(c.reason);
      } finally {
        await env.close();
      }
    }
    return `truncated with the right reason at each limit: ${seen.join(', ')}${skipped.length ? `; not checked: ${skipped.join(', ')}` : ''}; stepping a finished episode raises GYM_RESET_NEEDED`;
  });

  await check('snapshot round trip', async () => {
    const env = await fresh();
    try {
      const rng = new WorldRandom(`check-snapshot:${seed}`);
      await env.reset({ seed });
      for (let i = 0; i < 3; i++) {
        const r = await env.step(sampleAction(env, rng));
        if (r.terminated || r.truncated) return { skipped: 'the episode ended within the first 3 sampled steps' };
      }
      const saved = env.snapshot();
      const hash = env.stateHash();
      const tail = Array.from({ length: 3 }, () => sampleAction(env, rng));
      const go = async (): Promise<string[]> => {
        const out: string[] = [];
        for (const a of tail) {
          const r = await env.step(a);
          out.push(stable({ o: r.observation, r: r.reward, t: r.terminated, u: r.truncated }) + env.stateHash());
          if (r.terminated || r.truncated) break;
        }
        return out;
      };
      const first = await go();
      await env.restore(saved);
      ensure(env.stateHash() === hash, 'restore(snapshot) did not bring back the world hash of the snapshot');
      const second = await go();
      const i = firstDifference(first, second);
      ensure(i < 0, `after restore, the same actions diverged at step ${i + 1}`);
      return 'snapshot() mid-episode, 3 more steps, restore(), the same 3 steps: identical';
    } finally {
      await env.close();
    }
  });

  await check('close', async () => {
    const env = await fresh();
    await env.reset({ seed });
    await env.close();
    await env.close();
    let error: unknown;
    try {
      await env.step({ tool: 'list_dir', args: { path: '/' } } as Action);
    } catch (e) {
      error = e;
    }
    ensure(error instanceof EnvClosedError, 'step() after close() did not raise GYM_ENV_CLOSED');
    return 'close() twice does not raise; step() after close() raises GYM_ENV_CLOSED';
  });

  return { id: spec.id, passed: checks.every((c) => c.status !== 'failed'), checks, durationMs: Math.round(performance.now() - started) };
}
