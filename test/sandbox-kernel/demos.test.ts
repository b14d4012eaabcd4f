import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { missing } from './helpers.js';

// The runnable demos under examples/sandbox exit 0 only when every claim they print held.

const ROOT = join(import.meta.dirname, '..', '..');
const reason = missing('memory', 'cpu', 'pids', 'freezer');

describe.skipIf(reason)(`examples/sandbox demos${reason ? ` (skipped: ${reason}; the demos claim cgroup limits and uid 65534)` : ''}`, () => {
  it.each(['fault-isolation', 'security', 'supervisor'])('%s.ts exits 0 with every claim held', async (name) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', 'sandbox', `${name}.ts`)], { cwd: ROOT, timeout: 45_000 }).catch((error: { code: number; stdout: string; stderr: string }) => {
      throw new Error(`${name}.ts exited with ${error.code}\n${error.stdout}\n${error.stderr}`);
    });
    expect(stdout).not.toContain('✗');
    expect(stdout).toMatch(/✓ (\d+) of \1 claims held/);
  });
});
