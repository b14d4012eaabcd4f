/**
 * `clove bench merge DIR... --out DIR`: the results of shards (or of runs resumed elsewhere) as one
 * results file, the same as an unsharded run of the suite gives, timings aside.
 */
import type { BenchmarkResult, EpisodeResult, Results } from '../reports/index.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../reports/index.js';
import { compareEpisodes } from './collect.js';
import { IncompatibleResultsError } from './errors.js';

export interface MergeSummary {
  results: Results;
  /** Keys found in more than one input; the record kept is the one the harness did not fail, else the latest. */
  duplicates: string[];
}

function preferred(a: EpisodeResult, b: EpisodeResult): EpisodeResult {
  if (Boolean(a.infrastructureError) !== Boolean(b.infrastructureError)) return a.infrastructureError ? b : a;
  return a.startedAt >= b.startedAt ? a : b;
}

/**
 * Merges results of one suite.
 *
 * @example
 * const { results } = mergeResults([readResults('shard-1'), readResults('shard-2')], ['shard-1', 'shard-2']);
 */
export function mergeResults(inputs: readonly Results[], sources: readonly string[] = []): MergeSummary {
  if (inputs.length === 0) throw new IncompatibleResultsError('Nothing to merge: pass one or more result directories.');
  const first = inputs[0]!;
  for (const [i, r] of inputs.entries()) {
    if (r.suite.hash !== first.suite.hash) {
      throw new IncompatibleResultsError(
        `${sources[i] ?? `input ${i + 1}`} holds suite ${r.suite.name} (hash ${r.suite.hash.slice(0, 12)}), ${sources[0] ?? 'the first input'} holds ${first.suite.name} (hash ${first.suite.hash.slice(0, 12)}): ` +
          'only shards of the same suite file can be merged. Re-run the shards from one commit.',
      );
    }
  }
  const byKey = new Map<string, EpisodeResult>();
  const duplicates: string[] = [];
  for (const r of inputs) {
    for (const e of r.episodes) {
      const seen = byKey.get(e.key);
      if (seen) {
        duplicates.push(e.key);
        byKey.set(e.key, preferred(seen, e));
      } else byKey.set(e.key, e);
    }
  }
  const benchmarks = new Map<string, BenchmarkResult>();
  for (const r of inputs) for (const b of r.benchmarks ?? []) if (!benchmarks.has(b.key)) benchmarks.set(b.key, b);
  const episodes = [...byKey.values()].sort(compareEpisodes);
  const planned = first.suite.episodes;
  const startedAt = inputs.map((r) => r.run.startedAt).sort()[0]!;
  const finishedAt = inputs.map((r) => r.run.finishedAt).sort().at(-1)!;
  const errors = inputs.flatMap((r) => r.infrastructure.errors ?? []);
  const results: Results = {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    suite: first.suite,
    environment: first.environment,
    run: {
      startedAt,
      finishedAt,
      complete: planned === undefined ? inputs.every((r) => r.run.complete) : episodes.length >= planned,
      ...(inputs.some((r) => r.run.interrupted) ? { interrupted: true } : {}),
      shard: null,
      merged: [...sources],
      ...(planned === undefined ? {} : { planned }),
    },
    infrastructure: {
      retries: inputs.reduce((s, r) => s + r.infrastructure.retries, 0),
      failures: episodes.filter((e) => e.infrastructureError).length,
      errors,
    },
    episodes,
    ...(benchmarks.size > 0 ? { benchmarks: [...benchmarks.values()] } : {}),
  };
  return { results, duplicates };
}
