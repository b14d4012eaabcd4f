import { describe, expect, it } from 'vitest';
import { builtinScenarios, loadReference } from '../../scenarios/index.js';
import { runInProcess } from './helpers/in-process.js';
import { randomAgent } from './helpers/random-agent.js';

const scenarios = await builtinScenarios();
const SEEDS = Array.from({ length: 20 }, (_, i) => i);
const only = process.env.SCENARIO;

describe.each(scenarios.filter((s) => only === undefined || s.id.startsWith(only)).map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
  // Scenarios graded by running commands (the project's tests) spawn a process per seed: give them room on a loaded machine.
  it('is solved by its reference agent on seeds 0..19', { timeout: 180_000 }, async () => {
    const reference = await loadReference(scenario);
    for (const seed of SEEDS) {
      const instance = await scenario.instantiate(seed);
      const result = await runInProcess(instance, reference);
      const failed = result.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`);
      expect({ seed, error: result.error?.message, failed }).toEqual({ seed, error: undefined, failed: [] });
      expect(result.success).toBe(true);
      expect(result.reward).toBe(scenario.reward.success);
    }
  });

  it('is failed by a random agent on seeds 0..19', { timeout: 180_000 }, async () => {
    for (const seed of SEEDS) {
      const instance = await scenario.instantiate(seed);
      const urls = (instance.world.network?.routes ?? []).map((r) => r.url.replace(/:\w+/g, '1'));
      const result = await runInProcess(instance, randomAgent(seed, { urls, maxSteps: Math.min(scenario.limits.steps ?? 40, 40) }));
      expect({ seed, success: result.success }).toEqual({ seed, success: false });
    }
  });
});
