import { describe, expect, it } from 'vitest';
import { registry, runEpisode } from '../../gym/index.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i);
const specs = await registry.list();

describe('the built-in scenario library in the gym', () => {
  it('holds at least 12 scenarios', () => {
    expect(specs.length).toBeGreaterThanOrEqual(12);
  });

  it.each(specs.map((s) => s.id))('%s: solved by its reference on seeds 0..19, failed by random', async (id) => {
    for (const seed of SEEDS) {
      const reference = await runEpisode(id, { agent: 'reference', seed, env: { sandbox: false } });
      expect({ seed, outcome: reference.outcome, failed: reference.checks.filter((c) => !c.passed), error: reference.error }).toEqual({ seed, outcome: 'succeeded', failed: [], error: undefined });
      const random = await runEpisode(id, { agent: 'random', seed, env: { sandbox: false } });
      expect({ seed, success: random.success }).toEqual({ seed, success: false });
    }
  }, 300_000);
});
