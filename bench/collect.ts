/**
 * Assembles a results object from a run directory (run.json + episodes/ + infrastructure.jsonl),
 * so reports can be written for whatever finished — at the end, on Ctrl-C, or for a shard that
 * was killed — and orders episodes canonically so that any two runs of a suite line up.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_FORMAT, RESULTS_VERSION, readResults, type EpisodeResult, type Results } from '../reports/index.js';
import { BenchError } from './errors.js';
import { ResultsStore } from './store.js';

/** Scenario, agent, seed (numerically), repeat: the order of episodes in every results file. */
export function compareEpisodes(a: Pick<EpisodeResult, 'scenario' | 'agentId' | 'seed' | 'repeat'>, b: Pick<EpisodeResult, 'scenario' | 'agentId' | 'seed' | 'repeat'>): number {
  if (a.scenario !== b.scenario) return a.scenario < b.scenario ? -1 : 1;
  if (a.agentId !== b.agentId) return a.agentId < b.agentId ? -1 : 1;
  if (a.seed !== b.seed) return a.seed - b.seed;
  return a.repeat - b.repeat;
}

export interface CollectOptions {
  finishedAt?: string;
  interrupted?: boolean;
  wallMs?: number;
}

/**
 * Results of a run directory from what is on disk.
 *
 * @example
 * const results = collectRun('bench-out');
 */
export function collectRun(dir: string, options: CollectOptions = {}): Results {
  const store = new ResultsStore(dir);
  const manifest = store.manifest();
  if (!manifest) {
    throw new BenchError('RUN_DIR_INVALID', `${dir} is not a Clove run directory (no run.json and no results.json): pass the --out directory of \`clove bench run\`.`, { exitCode: 2 });
  }
  const episodes = store.episodes().sort(compareEpisodes);
  const errors = store.infrastructure();
  const failures = episodes.filter((e) => e.infrastructureError).length;
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    suite: manifest.suite,
    environment: manifest.environment,
    run: {
      startedAt: manifest.startedAt,
      finishedAt: options.finishedAt ?? new Date().toISOString(),
      complete: episodes.length >= manifest.planned && !options.interrupted,
      ...(options.interrupted ? { interrupted: true } : {}),
      concurrency: manifest.concurrency,
      shard: manifest.shard,
      planned: manifest.planned,
      ...(options.wallMs === undefined ? {} : { wallMs: options.wallMs }),
    },
    // Each harness failure is one line; the last one of an episode lost to the harness was not retried.
    infrastructure: { retries: Math.max(0, errors.length - failures), failures, errors },
    episodes,
  };
}

/**
 * Reads results from a file, a directory's results.json, or — for a run that never wrote one —
 * the run directory itself.
 */
export function loadResults(path: string): Results {
  if (existsSync(join(path, 'results.json')) || !existsSync(join(path, 'run.json'))) return readResults(path);
  return collectRun(path);
}
