/**
 * The built-in library as the gym sees it: every scenario folder is registered under its
 * versioned id and makes an env. (Reference on seeds 0..19 and random failing them, per scenario,
 * is test/scenarios/library.test.ts: it runs through the gym's runEpisode.)
 */
import { describe, expect, it } from 'vitest';
import { makeUnwrapped, registry } from '../../gym/index.js';
import { builtinScenarios } from '../../scenarios/index.js';

const specs = await registry.list();

describe('the built-in scenario library in the gym', () => {
  it('registers every built-in scenario (at least 12) under its versioned id', async () => {
    expect(specs.length).toBeGreaterThanOrEqual(12);
    const ids = (await builtinScenarios()).map((s) => s.id);
    expect(specs.map((s) => s.id).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    for (const spec of specs) expect(spec.id).toMatch(/^[a-z0-9-]+-v\d+$/);
  });

  it.each(specs.map((s) => s.id))('%s: makes an env whose reset hands over the task', async (id) => {
    const env = await makeUnwrapped(id, { sandbox: false });
    try {
      const { observation, info } = await env.reset({ seed: 0 });
      expect(observation).toMatchObject({ type: 'task', task: { scenario: id, seed: 0 } });
      expect(info).toMatchObject({ seed: 0, scenario: id });
      expect(env.observationSpace.contains(observation)).toBe(true);
    } finally {
      await env.close();
    }
  });
});
