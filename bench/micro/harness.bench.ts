/**
 * Harness benchmarks of `clove bench` (`npm run bench:harness`; figures printed, never asserted):
 *  (a) harness overhead per episode on a trivial scenario, in-process (reference agent) and
 *      external (a Node command agent), next to the agent's own time;
 *  (b) episodes per second of the smoke suite at concurrency 1 and 2;
 *  (c) `clove bench merge` of 10,000 episodes in 4 shards.
 * Run after `npm run build`: it drives dist/ as users do.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..', '..');
const dist = (p: string) => pathToFileURL(join(root, 'dist', p)).href;
const bench = (await import(dist('bench/index.js'))) as typeof import('../index.js');
const reports = (await import(dist('reports/index.js'))) as typeof import('../../reports/index.js');
const only = process.argv.slice(2);
const want = (part: string) => only.length === 0 || only.includes(part);
const work = mkdtempSync(join(tmpdir(), 'clove-harness-bench-'));
const median = (xs: number[]) => reports.median(xs);

async function timedRun(suiteYaml: string, name: string, concurrency: number) {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, suiteYaml);
  const suite = bench.loadSuite(file);
  const host = await bench.createGymHost();
  // Steady state: the time from one episode's end to the next one's at concurrency 1 is one full
  // cycle of the harness (plan, gym, grading, the atomic write) plus the agent's own time.
  const finishedAt: number[] = [];
  try {
    const started = performance.now();
    const { results } = await bench.runSuite(suite, {
      out: join(work, `${name}-c${concurrency}`),
      host,
      concurrency,
      stepSummary: null,
      onEvent: (event) => {
        if (event.type === 'finished') finishedAt.push(performance.now());
      },
    });
    const wall = performance.now() - started;
    const gaps = finishedAt.slice(1).map((t, i) => t - (finishedAt[i] as number));
    return { results, wall, cycle: median(gaps.slice(Math.min(3, gaps.length - 1))) };
  } finally {
    await host.close();
  }
}

if (want('overhead')) {
  const trivial = join(root, 'test/fixtures/bench/trivial');
  const agent = join(root, 'test/fixtures/bench/agents/copy.mjs');
  const n = 40;
  for (const [label, agentYaml, ownMs] of [
    ['in-process (reference)', '{ id: reference, kind: reference }', () => 0],
    [
      'external (node command)',
      `{ id: node, kind: command, command: [node, ${agent}] }`,
      // The agent's own time: a Node process that loads the SDK and ends (what copy.mjs costs without a kernel).
      () => {
        const times: number[] = [];
        for (let i = 0; i < 10; i++) {
          const t = performance.now();
          spawnSync(process.execPath, ['-e', `await import(${JSON.stringify(dist('sdk/index.js'))})`, '--input-type=module']);
          times.push(performance.now() - t);
        }
        return median(times);
      },
    ],
  ] as const) {
    const yaml = `name: overhead\nscenarios: [${trivial}]\nagents: [${agentYaml}]\nseeds: { count: ${n} }\nrecord: false\n`;
    const { results, wall, cycle } = await timedRun(yaml, `overhead-${label.split(' ')[0]}`, 1);
    const ok = results.episodes.filter((e) => e.success).length;
    const own = ownMs();
    const gym = median(results.episodes.map((e) => e.wallMs));
    console.log(
      `overhead ${label}: steady-state cycle p50 ${cycle.toFixed(1)} ms/episode (gym's record wallMs p50 ${gym.toFixed(1)} ms, bench's own ${(cycle - gym).toFixed(1)} ms), ` +
        `agent's own ${own.toFixed(1)} ms -> harness ${(cycle - own).toFixed(1)} ms over the agent; whole run ${(wall / n).toFixed(1)} ms/episode with start-up; ${ok}/${n} succeeded`,
    );
  }
}

if (want('smoke')) {
  const smoke = join(root, 'bench/suites/smoke.yaml');
  for (const concurrency of [1, 2]) {
    const suite = bench.loadSuite(smoke);
    const host = await bench.createGymHost();
    try {
      const started = performance.now();
      const { results } = await bench.runSuite(suite, { out: join(work, `smoke-c${concurrency}`), host, concurrency, stepSummary: null });
      const s = (performance.now() - started) / 1000;
      console.log(`smoke concurrency ${concurrency}: ${results.episodes.length} episodes in ${s.toFixed(2)} s = ${(results.episodes.length / s).toFixed(2)} episodes/s`);
    } finally {
      await host.close();
    }
  }
}

if (want('merge')) {
  // 10,000 episodes: 25 scenarios x 2 agents x 50 seeds x 4 repeats, written as 4 shard directories.
  const { generateResults } = (await import(pathToFileURL(join(root, 'test/bench/generated.ts')).href)) as typeof import('../../test/bench/generated.js');
  const scenarios = Array.from({ length: 25 }, (_, i) => `scenario-${i}-v1`);
  const whole = generateResults({ scenarios, agents: ['reference', 'random'], seeds: 50, repeats: 4 });
  const dirs: string[] = [];
  for (let i = 0; i < 4; i++) {
    const dir = join(work, `merge-shard-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ ...whole, run: { ...whole.run, shard: { index: i + 1, count: 4 } }, episodes: whole.episodes.filter((_, j) => j % 4 === i) }));
    dirs.push(dir);
  }
  // CPU time next to wall time: on a shared machine the wall clock also counts other processes' turns.
  const cpu = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  let t = performance.now();
  let c = process.cpuUsage();
  const loaded = dirs.map((d) => bench.loadResults(d));
  const load = `${(performance.now() - t).toFixed(0)} ms (CPU ${cpu(c).toFixed(0)} ms)`;
  t = performance.now();
  c = process.cpuUsage();
  const { results } = bench.mergeResults(loaded, dirs);
  const merge = `${(performance.now() - t).toFixed(0)} ms (CPU ${cpu(c).toFixed(0)} ms)`;
  t = performance.now();
  c = process.cpuUsage();
  reports.writeReports(join(work, 'merged-lib'), results, { stepSummary: null });
  const write = `${(performance.now() - t).toFixed(0)} ms (CPU ${cpu(c).toFixed(0)} ms)`;
  t = performance.now();
  execFileSync(process.execPath, [join(root, 'dist/cli/bin.js'), 'bench', 'merge', ...dirs, '--out', join(work, 'merged-cli')], { stdio: 'ignore' });
  const cli = performance.now() - t;
  console.log(`merge ${results.episodes.length} episodes: read+validate ${load}, merge ${merge}, write reports ${write}; \`clove bench merge\` end to end ${cli.toFixed(0)} ms wall`);
}

rmSync(work, { recursive: true, force: true });
