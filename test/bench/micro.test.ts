/**
 * `clove bench micro` writes tinybench results in the results format (benchmarks with latency
 * samples), reports included, and `compare` reads them: same groups compare, other groups are
 * refused. Figures are not asserted (shared, noisy machines).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResults } from '../../reports/index.js';
import { json, NO_DIST, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'clove-micro-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(NO_DIST)('clove bench micro', () => {
  it('writes benchmarks in the results format and compare gates them', async () => {
    const a = await runCli(['bench', 'micro', '--only', 'world,kernel', '--time', '50', '--out', join(dir, 'a'), '--json'], { timeoutMs: 90_000 });
    expect(a.code, a.stderr).toBe(0);
    const listed = json<Array<{ key: string }>>(a).map((b) => b.key);
    expect(listed).toEqual(expect.arrayContaining(['world|snapshot 100 files', 'world|restore 100 files', 'kernel|echo (msgpack)', 'kernel|echo (json)']));
    const results = readResults(join(dir, 'a'));
    expect(results.episodes).toEqual([]);
    for (const b of results.benchmarks ?? []) {
      expect(b.error, b.key).toBeUndefined();
      expect(b.samples.length, b.key).toBeGreaterThan(0);
      expect(b.p50Ms, b.key).toBeGreaterThan(0);
    }
    expect(readFileSync(join(dir, 'a', 'report.md'), 'utf8')).toContain('| kernel · echo (msgpack) |');
    expect(existsSync(join(dir, 'a', 'report.html'))).toBe(true);

    const b = await runCli(['bench', 'micro', '--only', 'world,kernel', '--time', '50', '--out', join(dir, 'b')], { timeoutMs: 90_000 });
    expect(b.code, b.stderr).toBe(0);
    const compared = await runCli(['bench', 'compare', join(dir, 'a'), join(dir, 'b'), '--json']);
    // 0 or 1 depending on the machine's noise; never 2: the same groups are comparable.
    expect([0, 1], compared.stderr).toContain(compared.code);
    expect(json<{ benchmarks: unknown[] }>(compared).benchmarks.length).toBe(listed.length);

    const other = await runCli(['bench', 'micro', '--only', 'world', '--time', '20', '--out', join(dir, 'c')], { timeoutMs: 60_000 });
    expect(other.code, other.stderr).toBe(0);
    const refused = await runCli(['bench', 'compare', join(dir, 'a'), join(dir, 'c')]);
    expect(refused.code).toBe(2);
  }, 240_000);

  it('refuses an unknown group', async () => {
    const r = await runCli(['bench', 'micro', '--only', 'warp', '--out', join(dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown micro-benchmark group warp: known groups are world, kernel, sandbox, gym');
  });
});
