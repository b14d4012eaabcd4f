import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type RunDigest, scriptedRun } from './fixtures/scripted-run.js';

const script = fileURLToPath(new URL('./fixtures/scripted-run.ts', import.meta.url));

async function runInFreshProcess(seed: number): Promise<RunDigest> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, String(seed)], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  return JSON.parse(stdout) as RunDigest;
}

describe('determinism', () => {
  it('gives byte-identical timelines, trees and request logs for the same world, seed and operations', async () => {
    const a = await scriptedRun(11);
    const b = await scriptedRun(11);
    expect(a).toEqual(b);
  });

  it('gives a different run for a different seed', async () => {
    const a = await scriptedRun(11);
    const c = await scriptedRun(12);
    expect(a.requests).not.toBe(c.requests);
  });

  it('gives the same digests in two fresh node processes', async () => {
    const [first, second] = await Promise.all([runInFreshProcess(5), runInFreshProcess(5)]);
    const local = await scriptedRun(5);
    expect(first).toEqual(second);
    expect(first).toEqual(local);
  });
});
