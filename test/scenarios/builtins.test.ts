import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinScenarios, builtinScenario } from '../../scenarios/index.js';

const scenarios = await builtinScenarios();

describe('built-in scenarios', () => {
  it('number at least 12, with unique versioned ids', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
    for (const s of scenarios) expect(s.id).toMatch(/^[a-z0-9-]+-v\d+$/);
  });

  it.each(scenarios.map((s) => [s.id, s] as const))('%s declares what a user needs to pick and run it', (_id, s) => {
    expect(s.description.length).toBeGreaterThan(40);
    expect(s.tags.length).toBeGreaterThan(0);
    expect(s.definition.difficulty).toBeDefined();
    expect(s.limits).toMatchObject({ steps: expect.any(Number), virtualTimeMs: expect.any(Number), wallTimeMs: expect.any(Number) });
    expect(s.referencePath).toMatch(/reference\.ts$/);
    expect(s.seeded).toBe(true);
    expect(s.tools).toContain('submit');
    expect(readFileSync(s.file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
  });

  it('names the known ids when asked for an unknown one', async () => {
    await expect(builtinScenario('file-repiar-v1')).rejects.toMatchObject({ code: 'SCENARIO_NOT_FOUND', message: expect.stringContaining('file-repair-v1') });
  });
});
