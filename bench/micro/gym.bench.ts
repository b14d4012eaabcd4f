/**
 * Gym micro-benchmarks: in-process step of read_file on a 1,000-file scenario next to a raw
 * world.fs read, reset median (1,000 files / 10 MB), fork(8), vector env sync vs async at
 * n = 1, 2, 4, 8, and an external Python agent episode sandboxed against the same script bare.
 * Run with `npm run bench:gym`. Prints one table; figures are reported, never asserted.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeUnwrapped, makeVec, runEpisode, startEpisodeKernel, type Action, type EnvSpec } from '../../gym/index.js';
import { resolvePython } from '../../kernel/agents/interpreter.js';
import { connect } from '../../sdk/index.js';
import counter, { counterScenario, gradeCounter } from '../../test/fixtures/gym/counter.mjs';

const run = promisify(execFile);
interface Row {
  case: string;
  figure: string;
  note: string;
}
const rows: Row[] = [];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// 1,000 files of 10 KiB: 10 MB.
const big: EnvSpec = {
  id: 'bench-1000-v1',
  scenario: counterScenario({ name: 'bench-1000', files: 1000, fileBytes: 10_240, limits: {} }),
  grade: gradeCounter,
  source: counter.source!,
};

// --- step vs raw read
{
  const env = await makeUnwrapped(big, { sandbox: false });
  await env.reset({ seed: 1 });
  const paths = env.world.fs.files().filter((f) => f.path.startsWith('/bulk/')).map((f) => f.path);
  const actions: Action[] = paths.map((path) => ({ tool: 'read_file', args: { path } }));
  const n = 100_000;
  for (let i = 0; i < 5_000; i++) await env.step(actions[i % actions.length]!);
  let t = performance.now();
  for (let i = 0; i < n; i++) await env.step(actions[i % actions.length]!);
  const stepMs = performance.now() - t;
  const fs = env.world.fs;
  t = performance.now();
  for (let i = 0; i < n; i++) fs.readFile(paths[i % paths.length]!).toString('utf8');
  const rawMs = performance.now() - t;
  const stepRate = n / (stepMs / 1000);
  const rawRate = n / (rawMs / 1000);
  rows.push({ case: 'step(read_file), 1,000-file scenario', figure: `${Math.round(stepRate).toLocaleString('en')} steps/s`, note: `target >= 50,000; ${(stepMs / n * 1000).toFixed(2)} us/step` });
  rows.push({ case: 'raw world.fs.readFile', figure: `${Math.round(rawRate).toLocaleString('en')} reads/s`, note: `step costs ${(rawRate / stepRate).toFixed(1)}x a raw read (validation, observation, limits)` });

  // --- reset
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    await env.step({ tool: 'write_file', args: { path: `/bulk/new${i}.txt`, content: 'x'.repeat(1000) } });
    const t0 = performance.now();
    await env.reset({ seed: 1 });
    times.push(performance.now() - t0);
  }
  rows.push({ case: 'reset (same seed), 1,000 files / 10 MB', figure: `${median(times).toFixed(3)} ms median`, note: `target <= 1 ms; p90 ${[...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)]!.toFixed(3)} ms; World.fromState of the seed's decoded initial snapshot` });

  // --- fork(8)
  const forkTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    const forks = await env.fork(8);
    forkTimes.push(performance.now() - t0);
    await Promise.all(forks.map((f) => f.close()));
  }
  rows.push({ case: 'fork(8), 1,000 files / 10 MB', figure: `${median(forkTimes).toFixed(3)} ms median`, note: `${(median(forkTimes) / 8).toFixed(3)} ms per fork (World.fork, no re-encoding)` });
  await env.close();
}

// --- vector sync vs async
{
  const look: Action = { tool: 'read_file', args: { path: '/data/input.txt' } };
  const steps = 2_000;
  for (const n of [1, 2, 4, 8]) {
    const figures: string[] = [];
    for (const mode of ['sync', 'async'] as const) {
      const vec = await makeVec(counter, n, { mode, sandbox: false, limits: { steps: 1e9, syscalls: 1e9, virtualTimeMs: 1e12 } });
      await vec.reset({ seed: 0 });
      const actions = Array.from({ length: n }, () => look);
      for (let i = 0; i < 50; i++) await vec.step(actions);
      const t = performance.now();
      for (let i = 0; i < steps; i++) await vec.step(actions);
      const secs = (performance.now() - t) / 1000;
      figures.push(`${mode} ${Math.round((steps * n) / secs).toLocaleString('en')}`);
      await vec.close();
    }
    rows.push({ case: `vector n=${n} (env-steps/s)`, figure: figures.join(' | '), note: 'read_file; async = one worker thread per env' });
  }
}

// --- external Python agent: sandboxed episode vs the same script bare
{
  const script = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'gym', 'bench_agent.py');
  const sdkPython = join(import.meta.dirname, '..', '..', 'sdk', 'python');
  const kernel = await startEpisodeKernel();
  const episodes: number[] = [];
  const bare: number[] = [];
  let python = '';
  try {
    const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
    for (let i = 0; i < 22; i++) {
      const record = await runEpisode(counter, { agent: { kind: 'command', command: [script] }, seed: i, sandbox: true, kernel });
      if (i === 0) {
        // Bare runs use the interpreter the kernel ran the agent with (as root: one the agent's uid
        // can reach, not the kernel's own), with the SDK on its path: only the harness differs.
        const agents = await client.list({ all: true });
        python = agents.find((a) => a.name.startsWith('gym-'))?.interpreter ?? resolvePython();
      }
      if (i >= 2) episodes.push(record.wallMs);
      const t = performance.now();
      await run(python, [script], { env: { ...process.env, CLOVE_TASK: '', PYTHONPATH: sdkPython } });
      if (i >= 2) bare.push(performance.now() - t);
    }
    client.close();
  } finally {
    await kernel.close();
  }
  rows.push({ case: 'external Python episode, sandboxed', figure: `${median(episodes).toFixed(1)} ms median`, note: 'restore world into the kernel, spawn sandboxed, submit, snapshot back, grade' });
  rows.push({ case: `same script bare (${python} script.py)`, figure: `${median(bare).toFixed(1)} ms median`, note: `harness overhead ${(median(episodes) - median(bare)).toFixed(1)} ms per episode (target <= 20 ms; docker-based harnesses: 300-1000 ms per sandbox start)` });
}

console.table(rows);
