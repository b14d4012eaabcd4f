import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = join(import.meta.dirname, '..', 'fixtures', 'gym', 'determinism-run.mts');

async function fresh(seed: number): Promise<{ digest: string; steps: number; failures: number; http: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, String(seed)], { timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { digest: string; steps: number; failures: number; http: number };
}

describe('determinism across fresh processes', () => {
  it('gives the same observations, rewards and world hashes for the same seed and actions', async () => {
    const [a, b, c] = await Promise.all([fresh(7), fresh(7), fresh(8)]);
    expect(a).toEqual(b);
    expect(c.digest).not.toBe(a.digest);
    // Not an empty run: the random agent made requests and some tools failed.
    expect(a.steps).toBe(30);
    expect(a.http).toBeGreaterThan(0);
    expect(a.failures).toBeGreaterThan(0);
  }, 180_000);
});
