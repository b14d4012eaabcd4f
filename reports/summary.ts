/**
 * Statistics per scenario x agent, computed once from the episodes and shared by every writer
 * (markdown, HTML, step summary), so the reports never disagree.
 */
import type { EpisodeOutcome } from '../gym/episode.js';
import type { EpisodeResult, Results } from './results.js';
import { bootstrapInterval, mean, passAtK, passHatK, quantile, wilson, type Interval, type Tries } from './statistics.js';

/** Median and p95 of one figure. */
export interface Spread {
  median: number;
  p95: number;
}

/** The figures a report shows for one scenario x agent. */
export interface GroupSummary {
  scenario: string;
  agentId: string;
  episodes: number;
  outcomes: Record<EpisodeOutcome, number>;
  successes: number;
  successRate: number;
  /** Wilson 95% interval of the success rate. */
  successInterval: Interval;
  /** pass^k and pass@k for k = 1..(fewest tries of a seed), from repeats. */
  passHat: { k: number; value: number }[];
  passAt: { k: number; value: number }[];
  rewardMean: number;
  /** Bootstrap 95% interval of the reward mean. */
  rewardInterval: Interval;
  wallMs: Spread;
  workingMs: Spread;
  virtualMs: Spread;
  cpuMs: Spread;
  peakMemoryBytes: Spread;
  steps: Spread;
  tokens: number;
  costUsd: number;
  infrastructureErrors: number;
}

export interface ResultsSummary {
  groups: GroupSummary[];
  total: { episodes: number; successes: number; successRate: number; successInterval: Interval; costUsd: number; outcomes: Record<EpisodeOutcome, number> };
  /** Episodes that did not succeed, in suite order. */
  failures: EpisodeResult[];
}

function spread(values: (number | null)[]): Spread {
  return { median: quantile(values, 0.5), p95: quantile(values, 0.95) };
}

function countOutcomes(episodes: readonly EpisodeResult[]): Record<EpisodeOutcome, number> {
  const counts: Record<EpisodeOutcome, number> = { succeeded: 0, failed: 0, errored: 0, truncated: 0 };
  for (const e of episodes) counts[e.outcome]++;
  return counts;
}

/** CPU time of an episode (user + system), or null when it was not measured. */
export function cpuMs(e: EpisodeResult): number | null {
  const { cpuUserMs, cpuSystemMs } = e.metrics;
  return cpuUserMs === null && cpuSystemMs === null ? null : (cpuUserMs ?? 0) + (cpuSystemMs ?? 0);
}

/** Summarises one scenario x agent. */
export function summariseGroup(scenario: string, agentId: string, episodes: readonly EpisodeResult[]): GroupSummary {
  const successes = episodes.filter((e) => e.success).length;
  const bySeed = new Map<number, Tries>();
  for (const e of episodes) {
    const t = bySeed.get(e.seed) ?? { n: 0, c: 0 };
    t.n++;
    if (e.success) t.c++;
    bySeed.set(e.seed, t);
  }
  const tries = [...bySeed.values()];
  const maxK = tries.length === 0 ? 0 : Math.min(...tries.map((t) => t.n));
  const ks = Array.from({ length: maxK }, (_, i) => i + 1);
  const rewards = episodes.map((e) => e.reward);
  const reward = bootstrapInterval(rewards, (xs) => mean(xs), { resamples: 2000, seed: `${scenario}|${agentId}` });
  const w = wilson(successes, episodes.length);
  return {
    scenario,
    agentId,
    episodes: episodes.length,
    outcomes: countOutcomes(episodes),
    successes,
    successRate: w.rate,
    successInterval: { low: w.low, high: w.high },
    passHat: ks.map((k) => ({ k, value: passHatK(tries, k) })),
    passAt: ks.map((k) => ({ k, value: passAtK(tries, k) })),
    rewardMean: reward.estimate,
    rewardInterval: { low: reward.low, high: reward.high },
    wallMs: spread(episodes.map((e) => e.wallMs)),
    workingMs: spread(episodes.map((e) => e.workingMs)),
    virtualMs: spread(episodes.map((e) => e.virtualMs)),
    cpuMs: spread(episodes.map(cpuMs)),
    peakMemoryBytes: spread(episodes.map((e) => e.metrics.peakMemoryBytes)),
    steps: spread(episodes.map((e) => e.steps)),
    tokens: episodes.reduce((s, e) => s + e.metrics.tokens.total, 0),
    costUsd: episodes.reduce((s, e) => s + e.cost.usd, 0),
    infrastructureErrors: episodes.filter((e) => e.infrastructureError).length,
  };
}

/**
 * Groups episodes by scenario x agent (in the order they first appear) and summarises each.
 *
 * @example
 * const { groups, total } = summarise(readResults('bench-out'));
 */
export function summarise(results: Pick<Results, 'episodes'>): ResultsSummary {
  const groups = new Map<string, EpisodeResult[]>();
  for (const e of results.episodes) {
    const id = `${e.scenario}\u0000${e.agentId}`;
    const list = groups.get(id);
    if (list) list.push(e);
    else groups.set(id, [e]);
  }
  const all = results.episodes;
  const successes = all.filter((e) => e.success).length;
  const w = wilson(successes, all.length);
  return {
    groups: [...groups.values()].map((list) => summariseGroup(list[0]!.scenario, list[0]!.agentId, list)),
    total: {
      episodes: all.length,
      successes,
      successRate: w.rate,
      successInterval: { low: w.low, high: w.high },
      costUsd: all.reduce((s, e) => s + e.cost.usd, 0),
      outcomes: countOutcomes(all),
    },
    failures: all.filter((e) => !e.success),
  };
}
