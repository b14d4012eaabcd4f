import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_DIST, ROOT, runCli } from '../helpers/cli.js';

const counter = join(ROOT, 'test', 'fixtures', 'gym', 'counter.mjs');
const nondeterministic = join(ROOT, 'test', 'fixtures', 'gym', 'nondeterministic.mjs');
const long = { timeoutMs: 120_000 };

describe.skipIf(NO_DIST)('clove gym', () => {
  it('lists the built-in scenarios as JSON', async () => {
    const { code, stdout } = await runCli(['gym', 'list', '--json'], long);
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as Array<{ id: string }>;
    expect(list.map((s) => s.id)).toContain('file-repair-v1');
  });

  it('validates a scenario folder and reports a broken one at its line', async () => {
    expect((await runCli(['gym', 'validate', join(ROOT, 'scenarios', 'file-repair')], long)).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'clove-gym-validate-'));
    writeFileSync(join(dir, 'scenario.yaml'), 'id: broken\nversion: one\n');
    const bad = await runCli(['gym', 'validate', dir, '--json'], long);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, code: 'SCENARIO_SCHEMA_INVALID' });
  });

  it('check passes a good scenario and fails a deliberately nondeterministic one', async () => {
    const good = await runCli(['gym', 'check', counter, '--json'], long);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ passed: true });
    const bad = await runCli(['gym', 'check', nondeterministic, '--json'], long);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { checks: Array<{ name: string; status: string; message: string }> };
    expect(report.checks.find((c) => c.name === 'world determinism')).toMatchObject({ status: 'failed', message: expect.stringContaining('/data/noise.txt') });
  });

  it('play exits 0 when every episode succeeded and 1 otherwise; bad usage exits 2', async () => {
    const ok = await runCli(['gym', 'play', counter, '--agent', 'reference', '--seed', '3', '--episodes', '2', '--json'], long);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as Array<{ seed: number; success: boolean }>).map((r) => [r.seed, r.success])).toEqual([[3, true], [4, true]]);
    expect((await runCli(['gym', 'play', counter, '--agent', 'random', '--seed', '3'], long)).code).toBe(1);
    expect((await runCli(['gym', 'play', counter, '--agent', 'reference', '--episodes', '0'], long)).code).toBe(2);
    expect((await runCli(['gym', 'play', 'no-such-scenario-v1', '--agent', 'random'], long)).stderr).toContain("no env registered as 'no-such-scenario-v1'");
  });

  it('replays a recorded episode identically and detects a tampered record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-gym-replay-'));
    const file = join(dir, 'run.jsonl');
    expect((await runCli(['gym', 'play', counter, '--agent', 'random', '--seed', '11', '--record', file], long)).code).toBe(1);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['episode', ...Array(lines.length - 2).fill('step'), 'end']);
    const same = await runCli(['gym', 'replay', file, '--json'], long);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ diverged: null, steps: lines.length - 2 });
    // Change what the first step observed: replay must name that step.
    const first = JSON.parse(lines[1]!) as { observation: { time: number } };
    first.observation.time += 1;
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, [lines[0], JSON.stringify(first), ...lines.slice(2)].join('\n'));
    const diverged = await runCli(['gym', 'replay', tampered], long);
    expect(diverged.code).toBe(1);
    expect(diverged.stdout).toContain('diverged at episode 1, step 1');
    expect(diverged.stdout).toContain('observation differs');
  });
});
