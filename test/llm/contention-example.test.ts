import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('examples/llm/contention.ts', () => {
  it('runs five agents and a greedy one and reports every agent served, with Jain’s index', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', 'llm', 'contention.ts'), '--seconds', '1', '--json'], { cwd: ROOT, timeout: 90_000 });
    const report = JSON.parse(stdout) as { rows: Array<{ agent: string; in_flight: number; requests: number; successes: number; tokens: number }>; jain: number };
    expect(report.rows.map((r) => r.agent)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo', 'greedy']);
    for (const r of report.rows) {
      expect(r.successes, r.agent).toBeGreaterThan(0);
      expect(r.tokens, r.agent).toBeGreaterThan(0);
    }
    expect(report.rows[5]!.in_flight).toBe(16);
    expect(report.jain).toBeGreaterThan(0);
    expect(report.jain).toBeLessThanOrEqual(1);
  }, 90_000);
});
