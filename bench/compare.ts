/**
 * `clove bench compare BASE NEW`: the CI gate. Episodes are paired by (scenario, agent, seed,
 * repeat). Success is tested on the paired outcomes with McNemar's exact test; continuous figures
 * (wall time, CPU, peak memory) by a bootstrap interval of the ratio of medians; deterministic
 * counters (steps, syscalls, tokens, ...) are compared exactly. A change counts only when it is
 * significant after Holm's correction over every test of the comparison *and* larger than the
 * noise threshold, so a suite of many scenarios does not cry wolf.
 *
 * `deterministic: true` is the gate for runs that must repeat exactly (reference agents on mock
 * LLMs): every paired outcome and counter must be equal; timings are not compared at all.
 */
import type { BenchmarkResult, EpisodeResult, Results } from '../reports/index.js';
import { cpuMs, holm, mcnemarExact, median, medianRatio } from '../reports/index.js';
import { IncompatibleResultsError } from './errors.js';

export interface CompareOptions {
  /** Noise threshold as a fraction (0.05 = 5%): smaller changes are no change. Default 0.05. */
  threshold?: number;
  /** Family-wise significance level, Holm-corrected. Default 0.05. */
  alpha?: number;
  /** Bootstrap resamples. Default 10,000. */
  resamples?: number;
  /** Fewest pairs for a figure to be tested (fewer: reported as untested). Default 5. */
  minPairs?: number;
  /** Compare outcomes and counters exactly and ignore timings. Default false. */
  deterministic?: boolean;
  /** Pair episodes even when the suite hashes differ (the suite file changed). Default false. */
  allowSuiteChange?: boolean;
}

export type Change = 'regression' | 'improvement' | 'none' | 'untested';

export interface SuccessComparison {
  scenario: string;
  agentId: string;
  pairs: number;
  baseSuccesses: number;
  newSuccesses: number;
  /** Pairs that went from success to failure. */
  lost: number;
  /** Pairs that went from failure to success. */
  gained: number;
  p: number;
  pAdjusted: number;
  change: Change;
}

export type FigureName = 'wallMs' | 'cpuMs' | 'peakMemoryBytes';

export interface FigureComparison {
  scenario: string;
  agentId: string;
  metric: FigureName;
  pairs: number;
  baseMedian: number;
  newMedian: number;
  /** newMedian / baseMedian, with its bootstrap 95% interval. */
  ratio: number;
  low: number;
  high: number;
  p: number;
  pAdjusted: number;
  change: Change;
}

export type CounterName = 'steps' | 'syscalls' | 'tokens' | 'llmCalls' | 'httpRequests' | 'eventsFired';

export interface CounterComparison {
  scenario: string;
  agentId: string;
  metric: CounterName;
  /** Sums over the paired episodes. */
  base: number;
  new: number;
  /** Keys of the pairs whose counter differs (the first 10). */
  episodes: string[];
  differing: number;
  change: Change;
}

/** One pair whose outcome or world differs (listed in deterministic mode). */
export interface EpisodeDifference {
  key: string;
  what: string;
  base: string;
  new: string;
}

export interface BenchmarkComparison {
  key: string;
  baseMedianMs: number;
  newMedianMs: number;
  ratio: number;
  low: number;
  high: number;
  p: number;
  pAdjusted: number;
  change: Change;
}

export interface Comparison {
  suite: { name: string; baseHash: string; newHash: string };
  options: Required<CompareOptions>;
  pairs: number;
  onlyInBase: string[];
  onlyInNew: string[];
  success: SuccessComparison[];
  figures: FigureComparison[];
  counters: CounterComparison[];
  differences: EpisodeDifference[];
  benchmarks: BenchmarkComparison[];
  regressions: number;
  improvements: number;
  verdict: 'pass' | 'regression';
}

const DEFAULTS: Required<CompareOptions> = { threshold: 0.05, alpha: 0.05, resamples: 10_000, minPairs: 5, deterministic: false, allowSuiteChange: false };

const FIGURES: Record<FigureName, (e: EpisodeResult) => number | null> = {
  wallMs: (e) => e.wallMs,
  cpuMs: (e) => cpuMs(e),
  peakMemoryBytes: (e) => e.metrics.peakMemoryBytes,
};

const COUNTERS: Record<CounterName, (e: EpisodeResult) => number> = {
  steps: (e) => e.steps,
  syscalls: (e) => Object.values(e.metrics.syscalls).reduce((s, n) => s + n, 0),
  tokens: (e) => e.metrics.tokens.total,
  llmCalls: (e) => e.metrics.llmCalls,
  httpRequests: (e) => e.metrics.httpRequests,
  eventsFired: (e) => e.metrics.eventsFired,
};

/** Checks that two results can be compared at all; throws IncompatibleResultsError (exit 2) when not. */
export function checkComparable(base: Results, next: Results, options: CompareOptions = {}): void {
  if (base.version !== next.version) {
    throw new IncompatibleResultsError(`BASE is results format version ${base.version}, NEW is version ${next.version}: re-run the older side with the same Clove version.`);
  }
  if (base.suite.name !== next.suite.name) {
    throw new IncompatibleResultsError(`BASE is suite ${JSON.stringify(base.suite.name)}, NEW is suite ${JSON.stringify(next.suite.name)}: compare runs of the same suite.`);
  }
  if (base.suite.hash !== next.suite.hash && !options.allowSuiteChange) {
    throw new IncompatibleResultsError(
      `BASE and NEW ran different versions of suite ${base.suite.name} (hash ${base.suite.hash.slice(0, 12)} vs ${next.suite.hash.slice(0, 12)}): its scenarios, agents, seeds, limits or sandbox changed. ` +
        'Re-run BASE with the new suite file, or pass --allow-suite-change to pair the episodes both hold.',
    );
  }
}

function groupKey(e: EpisodeResult): string {
  return `${e.scenario}\u0000${e.agentId}`;
}

function classify(pAdjusted: number, alpha: number, worse: boolean, beyondThreshold: boolean): Change {
  if (!(pAdjusted < alpha) || !beyondThreshold) return 'none';
  return worse ? 'regression' : 'improvement';
}

function compareBenchmarks(base: readonly BenchmarkResult[], next: readonly BenchmarkResult[], options: Required<CompareOptions>): Omit<BenchmarkComparison, 'pAdjusted' | 'change'>[] {
  const byKey = new Map(base.map((b) => [b.key, b]));
  const out: Omit<BenchmarkComparison, 'pAdjusted' | 'change'>[] = [];
  for (const n of next) {
    const b = byKey.get(n.key);
    if (!b || b.samples.length === 0 || n.samples.length === 0) continue;
    // Samples of two runs are not paired: resample each side on its own.
    const size = Math.min(b.samples.length, n.samples.length, 2000);
    const estimate = medianRatio(thin(b.samples, size), thin(n.samples, size), { resamples: Math.min(options.resamples, 2000), seed: n.key });
    out.push({ key: n.key, baseMedianMs: median(b.samples), newMedianMs: median(n.samples), ratio: median(n.samples) / median(b.samples), low: estimate.low, high: estimate.high, p: estimate.p });
  }
  return out;
}

/** Every k-th sample, so both sides have `size` samples spread over their runs. */
function thin(samples: readonly number[], size: number): number[] {
  if (samples.length <= size) return [...samples];
  const step = samples.length / size;
  return Array.from({ length: size }, (_, i) => samples[Math.floor(i * step)] as number);
}

/**
 * Compares NEW against BASE.
 *
 * @example
 * const c = compareResults(readResults('base'), readResults('new'), { threshold: 0.05 });
 * process.exitCode = c.verdict === 'pass' ? 0 : 1;
 */
export function compareResults(base: Results, next: Results, options: CompareOptions = {}): Comparison {
  const o: Required<CompareOptions> = { ...DEFAULTS, ...options };
  checkComparable(base, next, o);
  const baseByKey = new Map(base.episodes.map((e) => [e.key, e]));
  const newByKey = new Map(next.episodes.map((e) => [e.key, e]));
  const onlyInBase = [...baseByKey.keys()].filter((k) => !newByKey.has(k));
  const onlyInNew = [...newByKey.keys()].filter((k) => !baseByKey.has(k));
  const groups = new Map<string, Array<[EpisodeResult, EpisodeResult]>>();
  for (const [key, b] of baseByKey) {
    const n = newByKey.get(key);
    if (!n) continue;
    const list = groups.get(groupKey(b));
    if (list) list.push([b, n]);
    else groups.set(groupKey(b), [[b, n]]);
  }
  const pairs = [...groups.values()].reduce((s, l) => s + l.length, 0);
  const hasBenchmarks = (base.benchmarks?.length ?? 0) > 0 && (next.benchmarks?.length ?? 0) > 0;
  if (pairs === 0 && !hasBenchmarks) {
    throw new IncompatibleResultsError(
      `BASE and NEW share no episode (BASE has ${base.episodes.length}, NEW has ${next.episodes.length}): episodes pair by scenario, agent, seed and repeat. Are these shards of different indexes? Merge shards first (clove bench merge).`,
    );
  }

  const success: SuccessComparison[] = [];
  const figures: FigureComparison[] = [];
  const counters: CounterComparison[] = [];
  const differences: EpisodeDifference[] = [];
  for (const list of groups.values()) {
    const [first] = list[0]!;
    const { scenario, agentId } = first;
    let lost = 0;
    let gained = 0;
    for (const [b, n] of list) {
      if (b.success && !n.success) lost++;
      if (!b.success && n.success) gained++;
    }
    success.push({
      scenario,
      agentId,
      pairs: list.length,
      baseSuccesses: list.filter(([b]) => b.success).length,
      newSuccesses: list.filter(([, n]) => n.success).length,
      lost,
      gained,
      p: o.deterministic ? (lost + gained === 0 ? 1 : 0) : mcnemarExact(lost, gained).p,
      pAdjusted: Number.NaN,
      change: 'none',
    });
    for (const [metric, read] of Object.entries(COUNTERS) as [CounterName, (e: EpisodeResult) => number][]) {
      const differing = list.filter(([b, n]) => read(b) !== read(n));
      if (differing.length === 0) continue;
      const baseSum = list.reduce((s, [b]) => s + read(b), 0);
      const newSum = list.reduce((s, [, n]) => s + read(n), 0);
      const beyond = o.deterministic || Math.abs(newSum - baseSum) > o.threshold * Math.max(1, baseSum);
      counters.push({
        scenario,
        agentId,
        metric,
        base: baseSum,
        new: newSum,
        episodes: differing.slice(0, 10).map(([b]) => b.key),
        differing: differing.length,
        change: !beyond ? 'none' : o.deterministic || newSum > baseSum ? 'regression' : 'improvement',
      });
    }
    if (o.deterministic) {
      for (const [b, n] of list) {
        if (b.outcome !== n.outcome || b.reason !== n.reason) differences.push({ key: b.key, what: 'outcome', base: `${b.outcome} (${b.reason})`, new: `${n.outcome} (${n.reason})` });
        if (b.reward !== n.reward) differences.push({ key: b.key, what: 'reward', base: String(b.reward), new: String(n.reward) });
        if (b.worldHash !== n.worldHash) differences.push({ key: b.key, what: 'final world', base: b.worldHash, new: n.worldHash });
      }
      continue;
    }
    for (const [metric, read] of Object.entries(FIGURES) as [FigureName, (e: EpisodeResult) => number | null][]) {
      const usable = list.filter(([b, n]) => read(b) !== null && read(n) !== null);
      const bs = usable.map(([b]) => read(b) as number);
      const ns = usable.map(([, n]) => read(n) as number);
      if (usable.length === 0) continue;
      const base = median(bs);
      const next = median(ns);
      if (usable.length < o.minPairs) {
        figures.push({ scenario, agentId, metric, pairs: usable.length, baseMedian: base, newMedian: next, ratio: base > 0 ? next / base : Number.NaN, low: Number.NaN, high: Number.NaN, p: 1, pAdjusted: 1, change: 'untested' });
        continue;
      }
      const estimate = medianRatio(bs, ns, { resamples: o.resamples, seed: `${scenario}|${agentId}|${metric}` });
      figures.push({ scenario, agentId, metric, pairs: usable.length, baseMedian: base, newMedian: next, ratio: estimate.ratio, low: estimate.low, high: estimate.high, p: estimate.p, pAdjusted: Number.NaN, change: 'none' });
    }
  }
  const benchmarks: BenchmarkComparison[] = o.deterministic ? [] : compareBenchmarks(base.benchmarks ?? [], next.benchmarks ?? [], o).map((b) => ({ ...b, pAdjusted: Number.NaN, change: 'none' as Change }));

  // Holm over every statistical test of this comparison together.
  const tested: Array<{ p: number; set(pAdjusted: number): void }> = [];
  for (const s of success) tested.push({ p: s.p, set: (p) => (s.pAdjusted = p) });
  for (const f of figures) if (f.change !== 'untested') tested.push({ p: f.p, set: (p) => (f.pAdjusted = p) });
  for (const b of benchmarks) tested.push({ p: b.p, set: (p) => (b.pAdjusted = p) });
  const adjusted = o.deterministic ? tested.map((t) => t.p) : holm(tested.map((t) => t.p));
  tested.forEach((t, i) => t.set(adjusted[i] as number));

  for (const s of success) {
    const drop = (s.lost - s.gained) / Math.max(1, s.pairs);
    s.change = o.deterministic ? (s.lost + s.gained > 0 ? 'regression' : 'none') : classify(s.pAdjusted, o.alpha, drop > 0, Math.abs(drop) > o.threshold);
  }
  for (const f of figures) {
    if (f.change === 'untested') continue;
    // The whole interval must lie beyond the threshold: noise that merely shifts the estimate is no change.
    const worse = f.low > 1 + o.threshold;
    const better = f.high < 1 - o.threshold;
    f.change = classify(f.pAdjusted, o.alpha, worse, worse || better);
  }
  for (const b of benchmarks) {
    const worse = b.low > 1 + o.threshold;
    const better = b.high < 1 - o.threshold;
    b.change = classify(b.pAdjusted, o.alpha, worse, worse || better);
  }

  const all: Change[] = [...success.map((s) => s.change), ...figures.map((f) => f.change), ...counters.map((c) => c.change), ...benchmarks.map((b) => b.change)];
  let regressions = all.filter((c) => c === 'regression').length;
  if (o.deterministic) regressions += differences.length + onlyInBase.length;
  const improvements = all.filter((c) => c === 'improvement').length;
  return {
    suite: { name: base.suite.name, baseHash: base.suite.hash, newHash: next.suite.hash },
    options: o,
    pairs,
    onlyInBase,
    onlyInNew,
    success,
    figures,
    counters,
    differences,
    benchmarks,
    regressions,
    improvements,
    verdict: regressions > 0 ? 'regression' : 'pass',
  };
}
