/**
 * `clove bench` end to end through the built CLI, on the real gym and an embedded kernel: a small
 * suite (schema-valid results, every report), shards run as separate processes and merged ==
 * unsharded, compare (that A/A pair passes, an injected regression fails, incompatible inputs
 * exit 2), resume after a killed run (nothing lost, nothing run twice), Ctrl-C writes reports for
 * what finished. Only what needs real CLI processes is here; each suite run is reused by later
 * tests instead of being run again.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { readResults, validateResults, type EpisodeResult, type Results } from '../../reports/index.js';
import { CLI, json, NO_DIST, ROOT, runCli, withDaemon } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'clove-bench-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRIVIAL = join(ROOT, 'test/fixtures/bench/trivial');
const COPY = join(ROOT, 'test/fixtures/bench/agents/copy.mjs');

function suite(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${body}`);
  return file;
}

/** In-process, fast: the trivial scenario and a built-in one, reference and random. */
const small = suite(
  'small',
  `scenarios: [${TRIVIAL}, daily-cron-v1]
agents:
  - { id: reference, kind: reference, expect: succeed }
  - random
seeds: { count: 3 }
concurrency: 2
`,
);

/** What must be equal between two runs of the same episodes (timings aside). */
function essence(e: EpisodeResult) {
  return { key: e.key, outcome: e.outcome, reason: e.reason, reward: e.reward, steps: e.steps, worldHash: e.worldHash, checks: e.checks.map((c) => [c.id, c.passed]) };
}

function episodeFiles(out: string): string[] {
  const episodes = join(out, 'episodes');
  return existsSync(episodes) ? readdirSync(episodes).filter((f) => f.endsWith('.json')) : [];
}

describe.skipIf(NO_DIST)('clove bench end to end', () => {
  let first: Results;

  it('runs a small suite: schema-valid results and every report written', async () => {
    const out = join(dir, 'small-1');
    const run = await runCli(['bench', 'run', small, '--out', out, '--json'], { timeoutMs: 90_000 });
    expect(run.stderr).toMatch(/\[12\/12\]/);
    expect(run.code, run.stderr).toBe(0);
    const summary = json<{ ran: number; complete: boolean; total: { episodes: number } }>(run);
    expect(summary).toMatchObject({ ran: 12, complete: true, total: { episodes: 12 } });
    for (const file of ['results.json', 'report.md', 'report.html', 'junit.xml', 'run.json']) expect(existsSync(join(out, file)), file).toBe(true);
    const raw = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as unknown;
    expect(validateResults(raw)).toEqual([]);
    first = readResults(out);
    expect(first.episodes.filter((e) => e.agentId === 'reference').every((e) => e.success)).toBe(true);
    expect(first.environment).toMatchObject({ node: process.version, cgroup: expect.stringMatching(/v1|v2|hybrid|none/) });
    expect(first.environment.cpu.cores).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8').match(/<testcase /g)?.length).toBe(12);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| bench-trivial-v1 | reference | 3/3 (100%) |');
    expect(episodeFiles(out).length).toBe(12);
    // Trajectories are written and linked from the records.
    const withTrajectory = first.episodes.filter((e) => e.trajectory && existsSync(e.trajectory));
    expect(withTrajectory.length).toBe(12);
  }, 120_000);

  it('re-renders reports with `clove report`', async () => {
    const out = join(dir, 'small-1');
    rmSync(join(out, 'report.html'));
    const r = await runCli(['report', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('shards run as separate processes (CI matrix, Indexed Job) merge into the unsharded results', async () => {
    const shards = [1, 2, 3].map((i) => join(dir, `shard-${i}`));
    const runs = await Promise.all([
      execa(process.execPath, [CLI, 'bench', 'run', small, '--shard', '1/3', '--out', shards[0]!, '--concurrency', '1'], { reject: false, env: { NO_COLOR: '1' } }),
      execa(process.execPath, [CLI, 'bench', 'run', small, '--shard-index-env', 'JOB_COMPLETION_INDEX', '--shards', '3', '--out', shards[1]!, '--concurrency', '1'], { reject: false, env: { NO_COLOR: '1', JOB_COMPLETION_INDEX: '1' } }),
      execa(process.execPath, [CLI, 'bench', 'run', small, '--shard', '3/3', '--out', shards[2]!, '--concurrency', '1'], { reject: false, env: { NO_COLOR: '1' } }),
    ]);
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
    expect(shards.map((s) => readResults(s).episodes.length)).toEqual([4, 4, 4]);
    const merged = join(dir, 'merged');
    const m = await runCli(['bench', 'merge', ...shards, '--out', merged, '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(json(m)).toMatchObject({ episodes: 12, missing: 0, complete: true });
    const results = readResults(merged);
    expect(results.episodes.map(essence)).toEqual(first.episodes.map(essence));
    expect(results.suite).toEqual(first.suite);
    const missingShard = await runCli(['bench', 'merge', shards[0]!, shards[1]!, '--out', join(dir, 'partial')]);
    expect(missingShard.code).toBe(1);
  }, 180_000);

  it('compare: two runs of the same suite (the sharded one above, A/A) flag nothing, statistically or exactly', async () => {
    const merged = join(dir, 'merged');
    const stat = await runCli(['bench', 'compare', join(dir, 'small-1'), merged, '--json']);
    expect(stat.code, stat.stdout).toBe(0);
    expect(json<{ regressions: number; verdict: string }>(stat)).toMatchObject({ regressions: 0, verdict: 'pass' });
    const exact = await runCli(['bench', 'compare', join(dir, 'small-1', 'results.json'), join(merged, 'results.json'), '--deterministic', '--md', join(dir, 'aa.md')]);
    expect(exact.code, exact.stdout).toBe(0);
    expect(readFileSync(join(dir, 'aa.md'), 'utf8')).toContain('no significant regression');
  }, 60_000);

  it('compare: an agent variant that fails where the base succeeded is a regression (exit 1)', async () => {
    const body = (env: string) => `scenarios: [${TRIVIAL}]\nagents:\n  - { id: copy, kind: command, command: [node, ${COPY}]${env} }\nseeds: { count: 8 }\nconcurrency: 2\nrecord: false\nsandbox: { backend: none }\n`;
    const base = join(dir, 'variant-base');
    const next = join(dir, 'variant-new');
    const a = await runCli(['bench', 'run', suite('variant', body('')), '--out', base], { timeoutMs: 120_000 });
    expect(a.code, a.stderr).toBe(0);
    expect(readResults(base).episodes.every((e) => e.success && e.mode === 'external')).toBe(true);
    // The variant: the same agent told to garble its output (through the suite's agent env).
    const b = await runCli(['bench', 'run', suite('variant', body(', env: { COPY_FAIL_SEEDS: all }')), '--out', next], { timeoutMs: 120_000 });
    expect(b.code, b.stderr).toBe(0);
    expect(readResults(next).episodes.filter((e) => e.success)).toEqual([]);
    // The suite file changed (the agent's env is part of its hash): compare says so unless told to pair anyway.
    const refused = await runCli(['bench', 'compare', base, next]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--allow-suite-change');
    const c = await runCli(['bench', 'compare', base, next, '--allow-suite-change', '--json', '--md', join(dir, 'variant.md')]);
    expect(c.code, c.stdout).toBe(1);
    const comparison = json<{ success: Array<{ lost: number; change: string }> }>(c);
    expect(comparison.success[0]).toMatchObject({ lost: 8, change: 'regression' });
    expect(readFileSync(join(dir, 'variant.md'), 'utf8')).toMatch(/❌ \d+ significant regression/);
  }, 240_000);

  it('compare: incompatible inputs exit 2 and say why', async () => {
    const other = join(dir, 'variant-base');
    const suites = await runCli(['bench', 'compare', join(dir, 'small-1'), other]);
    expect(suites.code).toBe(2);
    expect(suites.stderr).toContain('BASE is suite "small", NEW is suite "variant"');
    const future = JSON.parse(readFileSync(join(other, 'results.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...future, version: 2 }));
    const version = await runCli(['bench', 'compare', join(other, 'results.json'), join(dir, 'future.json')]);
    expect(version.code).toBe(2);
    expect(version.stderr).toContain('format version 2 is not the version this Clove reads (1)');
    const missing = await runCli(['bench', 'compare', join(dir, 'nowhere'), other]);
    expect(missing.code).toBe(2);
  }, 90_000);

  it('resumes a killed run: nothing lost, nothing run twice', async () => {
    const slow = suite('slow', `scenarios: [${TRIVIAL}]\nagents:\n  - { id: copy, kind: command, command: [node, ${COPY}], env: { COPY_DELAY_MS: "300" } }\nseeds: { count: 10 }\nconcurrency: 2\nrecord: false\nsandbox: { backend: none }\n`);
    const out = join(dir, 'killed');
    const child = execa(process.execPath, [CLI, 'bench', 'run', slow, '--out', out], { reject: false, env: { NO_COLOR: '1' } });
    const deadline = Date.now() + 60_000;
    while (episodeFiles(out).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await child;
    const before = new Map(episodeFiles(out).map((f) => [f, readFileSync(join(out, 'episodes', f), 'utf8')]));
    expect(before.size).toBeGreaterThanOrEqual(3);
    expect(before.size).toBeLessThan(10);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    const resumed = await runCli(['bench', 'run', slow, '--resume', out, '--json'], { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(resumed)).toMatchObject({ resumed: before.size, ran: 10 - before.size, complete: true });
    const results = readResults(out);
    expect(results.episodes.map((e) => e.seed).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The episodes finished before the kill were not run again: their files are byte for byte the same.
    for (const [file, text] of before) expect(readFileSync(join(out, 'episodes', file), 'utf8')).toBe(text);
    // Resuming a complete run runs nothing; another suite's directory is refused.
    const again = await runCli(['bench', 'run', slow, '--resume', out, '--json'], { timeoutMs: 60_000 });
    expect(json(again)).toMatchObject({ ran: 0, resumed: 10 });
    const wrong = await runCli(['bench', 'run', small, '--resume', out]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('holds results of suite slow');
  }, 240_000);

  it('Ctrl-C stops, drops what is in flight and writes the reports for what finished', async () => {
    const slow = join(dir, 'slow.yaml');
    const out = join(dir, 'interrupted');
    const child = execa(process.execPath, [CLI, 'bench', 'run', slow, '--out', out], { reject: false, env: { NO_COLOR: '1' } });
    const deadline = Date.now() + 60_000;
    while (episodeFiles(out).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toContain('interrupted');
    const results = readResults(out);
    expect(results.run.interrupted).toBe(true);
    expect(results.run.complete).toBe(false);
    expect(results.episodes.length).toBe(episodeFiles(out).length);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 120_000);

  it('retries harness failures a bounded number of times and counts them apart (the kernel goes away)', async () => {
    const daemon = await withDaemon();
    const file = suite('flaky', `scenarios: [${TRIVIAL}]\nagents:\n  - { id: copy, kind: command, command: [node, ${COPY}], env: { COPY_DELAY_MS: "200" } }\nseeds: { count: 6 }\nconcurrency: 1\nretries: 1\nrecord: false\nsandbox: { backend: none }\n`);
    const out = join(dir, 'flaky');
    try {
      const child = execa(process.execPath, [CLI, 'bench', 'run', file, '--out', out, '--socket', daemon.socket, '--json'], { reject: false, env: { NO_COLOR: '1' } });
      const deadline = Date.now() + 60_000;
      while (episodeFiles(out).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // The kernel dies under the run: every later episode's harness fails, not its agent.
      process.kill(daemon.pid, 'SIGKILL');
      const result = await child;
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/retry bench-trivial-v1\|copy\|\d\|0 \(attempt 1 failed: CLIENT_/);
      const results = readResults(out);
      expect(results.episodes.length).toBe(6);
      expect(results.episodes.filter((e) => e.success).length).toBeGreaterThanOrEqual(2);
      const lost = results.episodes.filter((e) => e.infrastructureError);
      expect(lost.length).toBeGreaterThanOrEqual(3);
      for (const e of lost) expect(e).toMatchObject({ outcome: 'errored', attempts: 2 });
      expect(results.infrastructure.failures).toBe(lost.length);
      expect(results.infrastructure.retries).toBeGreaterThanOrEqual(lost.length);
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('episodes lost to harness errors (not counted against agents)');
    } finally {
      await daemon.stop();
    }
  }, 120_000);

  it('refuses a bad suite before running anything (exit 2, file:line:col)', async () => {
    const bad = suite('bad', 'scenarios: [nope-v9]\nagents: [reference]\nseeds: [0]\ntimeout: soon\n');
    const r = await runCli(['bench', 'run', bad, '--out', join(dir, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:5:10: /timeout must be a duration`);
    const unknown = await runCli(['bench', 'run', suite('unknown', 'scenarios: [nope-v9]\nagents: [reference]\nseeds: [0]\n'), '--out', join(dir, 'unknown')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no built-in scenario matches "nope-v9"; known: .*daily-cron-v1/);
  }, 60_000);
});
