/**
 * `clove bench micro`: tinybench suites of the kernel, world engine, sandbox and gym, written in
 * the results format (`benchmarks`, latency samples in ms) so `clove bench compare` gates them.
 */
import { createHash } from 'node:crypto';
import { Bench } from 'tinybench';
import { RESULTS_FORMAT, RESULTS_VERSION, median, quantile, type BenchmarkResult, type Results } from '../../reports/index.js';
import { collectEnvironment } from '../environment.js';
import { BenchError } from '../errors.js';
import { gymSuite } from './suites/gym.js';
import { kernelSuite } from './suites/kernel.js';
import { sandboxSuite } from './suites/sandbox.js';
import { worldSuite } from './suites/world.js';
import type { MicroSuite } from './suite.js';

export type { MicroSuite, MicroTask } from './suite.js';

/** The built-in groups, in the order they run. */
export const MICRO_SUITES: readonly MicroSuite[] = [worldSuite, kernelSuite, sandboxSuite, gymSuite];

export interface MicroOptions {
  /** Groups to run (default all). */
  only?: string[];
  /** Time per task in ms (default 500). */
  timeMs?: number;
  suites?: readonly MicroSuite[];
  log?: (line: string) => void;
}

/** Keeps at most this many samples per task in the results file. */
const MAX_SAMPLES = 2000;

function thin(samples: readonly number[]): number[] {
  if (samples.length <= MAX_SAMPLES) return [...samples];
  const step = samples.length / MAX_SAMPLES;
  return Array.from({ length: MAX_SAMPLES }, (_, i) => samples[Math.floor(i * step)] as number);
}

/**
 * Runs the micro-benchmarks and returns them as results.
 *
 * @example
 * const results = await runMicro({ only: ['world'], timeMs: 200 });
 */
export async function runMicro(options: MicroOptions = {}): Promise<Results> {
  const suites = options.suites ?? MICRO_SUITES;
  const known = suites.map((s) => s.group);
  const unknown = (options.only ?? []).filter((g) => !known.includes(g));
  if (unknown.length > 0) throw new BenchError('MICRO_UNKNOWN_GROUP', `unknown micro-benchmark group ${unknown.join(', ')}: known groups are ${known.join(', ')}.`, { exitCode: 2 });
  const chosen = suites.filter((s) => !options.only || options.only.includes(s.group));
  const startedAt = new Date().toISOString();
  const benchmarks: BenchmarkResult[] = [];
  for (const suite of chosen) {
    options.log?.(`micro: ${suite.group}`);
    let prepared: Awaited<ReturnType<MicroSuite['setup']>>;
    try {
      prepared = await suite.setup();
    } catch (error) {
      benchmarks.push({ key: `${suite.group}|setup`, group: suite.group, name: 'setup', samples: [], meanMs: 0, p50Ms: 0, p99Ms: 0, opsPerSecond: 0, error: (error as Error).message });
      continue;
    }
    try {
      const bench = new Bench({ time: options.timeMs ?? 500, warmupTime: 50, retainSamples: true });
      for (const task of prepared.tasks) bench.add(task.name, task.fn);
      await bench.run();
      for (const task of bench.tasks) {
        const r = task.result;
        const key = `${suite.group}|${task.name}`;
        if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
          const samples = thin([...(r.latency.samples ?? [])]);
          benchmarks.push({ key, group: suite.group, name: task.name, samples, meanMs: r.latency.mean, p50Ms: r.latency.p50 ?? median(samples), p99Ms: r.latency.p99 ?? quantile(samples, 0.99), opsPerSecond: r.throughput.mean });
        } else {
          benchmarks.push({ key, group: suite.group, name: task.name, samples: [], meanMs: 0, p50Ms: 0, p99Ms: 0, opsPerSecond: 0, error: r.state === 'errored' ? r.error.message : r.state });
        }
      }
    } finally {
      await prepared.teardown();
    }
  }
  const names = chosen.map((s) => s.group).join(',');
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    suite: { name: 'micro', hash: createHash('sha256').update(`micro|${names}`).digest('hex'), description: `micro-benchmarks: ${chosen.map((s) => s.group).join(', ')}`, episodes: 0 },
    environment: collectEnvironment({ sandbox: 'n/a (micro-benchmarks)' }),
    run: { startedAt, finishedAt: new Date().toISOString(), complete: benchmarks.every((b) => !b.error), shard: null, planned: 0 },
    infrastructure: { retries: 0, failures: 0, errors: [] },
    episodes: [],
    benchmarks,
  };
}
