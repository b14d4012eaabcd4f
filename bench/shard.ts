/**
 * Sharding: a suite split over n machines, deterministically and balanced, the way Playwright's
 * `--shard=i/n` is (shards numbered from 1). Episode `index` goes to shard `index mod n + 1`, so
 * shard sizes differ by at most one and each scenario's seeds spread over every shard (a slow
 * scenario does not land on one machine).
 */
import { BenchError } from './errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/**
 * Parses `i/n` (1 <= i <= n).
 *
 * @example
 * parseShard('2/4'); // { index: 2, count: 4 }
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new BenchError('SHARD_INVALID', `--shard ${JSON.stringify(text)} is not i/n with 1 <= i <= n (e.g. --shard 2/4 runs the second of four shards).`, { exitCode: 2 });
  }
  return { index, count };
}

/**
 * The shard from a 0-based index in an environment variable, as Kubernetes Indexed Jobs set
 * `JOB_COMPLETION_INDEX`.
 *
 * @example
 * shardFromEnv('JOB_COMPLETION_INDEX', 4, { JOB_COMPLETION_INDEX: '0' }); // { index: 1, count: 4 }
 */
export function shardFromEnv(variable: string, count: number, env: NodeJS.ProcessEnv = process.env): Shard {
  const raw = env[variable];
  if (raw === undefined || raw === '') {
    throw new BenchError('SHARD_INVALID', `--shard-index-env ${variable}: the variable is not set (a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX in each pod).`, { exitCode: 2 });
  }
  const zeroBased = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(count) || count < 1) throw new BenchError('SHARD_INVALID', `--shards ${count} must be a whole number >= 1.`, { exitCode: 2 });
  if (!(zeroBased >= 0 && zeroBased < count)) {
    throw new BenchError('SHARD_INVALID', `${variable}=${JSON.stringify(raw)} is not a 0-based index below --shards ${count}.`, { exitCode: 2 });
  }
  return { index: zeroBased + 1, count };
}

/** The items of one shard, in their original order. */
export function selectShard<T extends { index: number }>(items: readonly T[], shard: Shard | null | undefined): T[] {
  if (!shard || shard.count === 1) return [...items];
  return items.filter((item) => item.index % shard.count === shard.index - 1);
}
