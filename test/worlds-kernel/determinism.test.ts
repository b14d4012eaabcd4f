import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/kernel.js';

const run = promisify(execFile);

async function fresh(seed: number): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture('worlds', 'determinism-run.ts'), String(seed)], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('determinism across fresh kernel processes', () => {
  it('gives byte-identical timelines, requests and trees for the same world, seed and calls', async () => {
    const [a, b] = await Promise.all([fresh(1234), fresh(1234)]);
    expect(a).toEqual(b);
    // The run is not trivially deterministic: faults fired and some requests failed.
    expect(a.timeline_length).toBeGreaterThan(3);
    expect(a.failures).toBeGreaterThan(0);
  });

  it('changes with the seed', async () => {
    const [a, c] = await Promise.all([fresh(1234), fresh(99)]);
    expect(a.requests).not.toBe(c.requests);
  });
});
