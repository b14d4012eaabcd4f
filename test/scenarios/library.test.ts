/**
 * Every built-in scenario: its reference agent solves seeds 0..19 and the random baseline fails
 * them, through the gym's `runEpisode` (in-process; exec unsandboxed here for speed — the gym's
 * own tests cover the sandbox). A stronger random agent (it lists directories and reuses the
 * paths and route URLs it saw, for the whole step budget) must fail too, on seeds 0..4.
 * `SCENARIO=<id prefix>` runs one scenario. Episodes are independent (an env and a world each) and
 * mostly wait (clocks, spawned commands), so four run at a time. Twenty episodes a test take long
 * on a loaded machine (exec scenarios spawn node), hence the timeouts. This is the one place the
 * library runs reference × 20 seeds; test/gym/library.test.ts checks the registry only.
 */
import { describe, expect, it } from 'vitest';
import type { EnvSpec } from '../../gym/registry.js';
import { runEpisode } from '../../gym/run-episode.js';
import { builtinScenarios, grade, type Scenario } from '../../scenarios/index.js';
import { runInProcess } from './helpers/in-process.js';
import { randomAgent } from './helpers/random-agent.js';

const scenarios = await builtinScenarios();
const SEEDS = Array.from({ length: 20 }, (_, i) => i);
const only = process.env.SCENARIO;
const selected = scenarios.filter((s) => only === undefined || s.id.startsWith(only));

const specOf = (scenario: Scenario): EnvSpec => ({ id: scenario.id, scenario, grade: grade as unknown as EnvSpec['grade'] });

/** Runs `fn` over `items`, at most `limit` at a time (episodes mostly wait: on clocks, on spawned commands). */
async function eachConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// Independent episodes, each in its own env and world: four at a time.
const CONCURRENCY = 4;

describe.each(selected.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
  // Scenarios graded by running commands (the project's tests) spawn a process per seed: give them room on a loaded machine.
  it('is solved by its reference agent on seeds 0..19', { timeout: 180_000 }, async () => {
    const records = await eachConcurrently(SEEDS, CONCURRENCY, (seed) => runEpisode(specOf(scenario), { agent: 'reference', seed, env: { sandbox: false } }));
    for (const [seed, record] of records.entries()) {
      const failed = record.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`);
      expect({ seed, reason: record.reason, error: record.error, failed }).toEqual({ seed, reason: 'submitted', error: undefined, failed: [] });
      expect(record).toMatchObject({ success: true, outcome: 'succeeded', reward: scenario.reward.success });
    }
  });

  it('is failed by a random agent on seeds 0..19', { timeout: 180_000 }, async () => {
    const records = await eachConcurrently(SEEDS, CONCURRENCY, (seed) => runEpisode(specOf(scenario), { agent: 'random', seed, env: { sandbox: false } }));
    expect(records.map((r, seed) => ({ seed, success: r.success }))).toEqual(SEEDS.map((seed) => ({ seed, success: false })));
    const exploring = await eachConcurrently(SEEDS.slice(0, 5), CONCURRENCY, async (seed) => {
      const instance = await scenario.instantiate(seed);
      const urls = (instance.world.network?.routes ?? []).map((r) => r.url.replace(/:\w+/g, '1').replace(/\*$/, 'x'));
      const result = await runInProcess(instance, randomAgent(seed, { urls, maxSteps: Math.min(scenario.limits.steps ?? 40, 40) }));
      return { seed, exploring: result.success };
    });
    expect(exploring).toEqual(SEEDS.slice(0, 5).map((seed) => ({ seed, exploring: false })));
  });
});
