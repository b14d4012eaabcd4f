/**
 * Generated results for tests of compare, merge and the writers: episodes with seeded noise, so a
 * test can build an A/A pair (two independent draws of the same machine) or inject a regression.
 */
import seedrandom from 'seedrandom';
import type { EpisodeResult, Results } from '../../reports/index.js';

export interface GenerateOptions {
  suite?: string;
  hash?: string;
  scenarios?: string[];
  agents?: string[];
  seeds?: number;
  repeats?: number;
  /** Seed of the noise: two values give two independent runs of the same thing. */
  noise?: number;
  /** Median wall time of an episode. */
  wallMs?: number;
  /** Multiplies wall and CPU time (1.5 = 50% slower). */
  slowdown?: number;
  /** Whether an episode succeeds. */
  succeeds?: (scenario: string, agent: string, seed: number, repeat: number) => boolean;
  /** Steps of an episode. */
  steps?: (scenario: string, seed: number) => number;
}

export function generateResults(options: GenerateOptions = {}): Results {
  const random = seedrandom.alea(String(options.noise ?? 1));
  // log-normal noise with ~8% spread, plus an occasional 2x outlier as on a busy machine
  const noise = () => {
    const u = Math.max(1e-9, random());
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(0.08 * z) * (random() < 0.05 ? 2 : 1);
  };
  const hash = options.hash ?? 'a'.repeat(64);
  const episodes: EpisodeResult[] = [];
  for (const scenario of options.scenarios ?? ['alpha-v1', 'beta-v1']) {
    for (const agentId of options.agents ?? ['reference']) {
      for (let seed = 0; seed < (options.seeds ?? 20); seed++) {
        for (let repeat = 0; repeat < (options.repeats ?? 1); repeat++) {
          const success = options.succeeds ? options.succeeds(scenario, agentId, seed, repeat) : true;
          const wallMs = (options.wallMs ?? 50) * noise() * (options.slowdown ?? 1);
          const steps = options.steps ? options.steps(scenario, seed) : 3 + (seed % 4);
          episodes.push({
            key: `${scenario}|${agentId}|${seed}|${repeat}`,
            scenario,
            scenarioVersion: 1,
            seed,
            agent: agentId,
            agentId,
            repeat,
            suiteHash: hash,
            mode: 'in-process',
            outcome: success ? 'succeeded' : 'failed',
            reason: success ? 'submitted' : 'failed_check',
            success,
            reward: success ? 1 : 0,
            breakdown: { total: success ? 1 : 0, success: success ? 1 : 0, components: [], penalties: [] },
            checks: [{ id: 'file-fixed', kind: 'file_equals', weight: 1, passed: success, message: success ? '/project/a.txt matches' : '/project/a.txt: expected "ok\\n", found "broken\\n"' }],
            steps,
            wallMs,
            virtualMs: 1000 * steps,
            workingMs: wallMs,
            metrics: {
              cpuUserMs: wallMs * 0.6,
              cpuSystemMs: wallMs * 0.1,
              peakMemoryBytes: 40 * 1048576 * noise(),
              syscalls: { read_file: steps - 1, submit: 1 },
              httpRequests: 0,
              llmCalls: 0,
              tokens: { prompt: 0, completion: 0, total: 0 },
              bytesRead: 100,
              bytesWritten: 10,
              eventsFired: 0,
              waitingMs: 0,
              exitCode: null,
              signal: null,
            },
            cost: { usd: 0, model: null },
            attempts: 1,
            worldHash: `${scenario}-${seed}-${success ? 'fixed' : 'broken'}`,
            startedAt: '2026-11-28T10:00:00.000Z',
          });
        }
      }
    }
  }
  return {
    format: 'clove-results',
    version: 1,
    suite: { name: options.suite ?? 'generated', hash, episodes: episodes.length },
    environment: { clove: '0.1.0', commit: null, node: process.version, os: { platform: 'linux', release: '6.1', arch: 'x64' }, cpu: { model: 'test cpu', cores: 2 }, cgroup: 'v1', sandbox: 'none' },
    run: { startedAt: '2026-11-28T10:00:00.000Z', finishedAt: '2026-11-28T10:01:00.000Z', complete: true, shard: null, planned: episodes.length },
    infrastructure: { retries: 0, failures: 0, errors: [] },
    episodes,
  };
}
