/**
 * Reference agents as external agent processes, through the gym's runEpisode and an embedded
 * kernel: the Python ones (reference.py over clove_sdk) and a few TypeScript ones (the same
 * reference.ts that runs in-process, over the SDK).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../gym/run-episode.js';
import type { EnvSpec } from '../../gym/registry.js';
import { builtinScenarios, grade } from '../../scenarios/index.js';

const all = await builtinScenarios();
const withPython = all.filter((s) => s.referencePyPath !== undefined);
// Each episode starts a kernel and a process: slow on a loaded machine, hence the long timeouts.
const specOf = (scenario: (typeof all)[number]): EnvSpec => ({ id: scenario.id, scenario, grade: grade as unknown as EnvSpec['grade'] });
const PYTHONPATH = join(process.cwd(), 'sdk', 'python');

describe.each(withPython.map((s) => [s.id, s] as const))('%s reference.py', (_id, scenario) => {
  it('solves seeds 0 and 1 as an external process', async () => {
    const spec = specOf(scenario);
    for (const seed of [0, 1]) {
      const record = await runEpisode(spec, { agent: { kind: 'command', command: [scenario.referencePyPath!], env: { PYTHONPATH } }, seed });
      const failed = record.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`);
      expect({ seed, reason: record.reason, error: record.error, failed }).toEqual({ seed, reason: 'submitted', error: undefined, failed: [] });
      expect(record).toMatchObject({ mode: 'external', success: true });
    }
  }, 180_000);
});

describe.each(['secret-bait-v1', 'file-repair-v1', 'think-ticket-reply-v1', 'daily-cron-v1'].map((id) => [id, all.find((s) => s.id === id)!] as const))('%s reference.ts', (_id, scenario) => {
  it('solves seed 0 as an external process', async () => {
    const record = await runEpisode(specOf(scenario), { agent: 'reference', referenceMode: 'external', seed: 0 });
    const failed = record.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`);
    expect({ reason: record.reason, error: record.error, failed }).toEqual({ reason: 'submitted', error: undefined, failed: [] });
    expect(record).toMatchObject({ mode: 'external', success: true });
  }, 120_000);
});
