/**
 * The statistics reports and `clove bench compare` use. Pure functions over numbers; every random
 * step (bootstrap) takes a seed so the same inputs always give the same interval.
 */
import seedrandom from 'seedrandom';

/** A two-sided interval at `confidence` (0.95 unless said otherwise). */
export interface Interval {
  low: number;
  high: number;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a success rate (better than the normal approximation near 0 and 1).
 *
 * @example
 * wilson(8, 10); // { rate: 0.8, low: 0.490, high: 0.943 }
 */
export function wilson(successes: number, trials: number, z: number = Z95): Interval & { rate: number } {
  if (trials <= 0) return { rate: Number.NaN, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** C(a, k) / C(n, k) as a product, exact enough and never overflowing. */
function binomialRatio(a: number, n: number, k: number): number {
  if (k > n) return Number.NaN;
  if (k > a) return 0;
  let ratio = 1;
  for (let i = 0; i < k; i++) ratio *= (a - i) / (n - i);
  return ratio;
}

/** One task's tries: `n` runs, `c` of them successes. */
export interface Tries {
  n: number;
  c: number;
}

/**
 * tau-bench's pass^k: the chance that k independent tries of a task all succeed, C(c,k)/C(n,k),
 * averaged over tasks. Tasks with fewer than k tries are left out; NaN when none has k.
 *
 * @example
 * passHatK([{ n: 4, c: 2 }], 2); // 1/6
 */
export function passHatK(tasks: readonly Tries[], k: number): number {
  const usable = tasks.filter((t) => t.n >= k);
  if (usable.length === 0 || k < 1) return Number.NaN;
  return usable.reduce((sum, t) => sum + binomialRatio(t.c, t.n, k), 0) / usable.length;
}

/**
 * pass@k: the chance that at least one of k tries succeeds, 1 - C(n-c,k)/C(n,k), averaged over tasks.
 *
 * @example
 * passAtK([{ n: 4, c: 1 }], 2); // 0.5
 */
export function passAtK(tasks: readonly Tries[], k: number): number {
  const usable = tasks.filter((t) => t.n >= k);
  if (usable.length === 0 || k < 1) return Number.NaN;
  return usable.reduce((sum, t) => sum + (1 - binomialRatio(t.n - t.c, t.n, k)), 0) / usable.length;
}

/** Sorted copy without NaN/null. */
function sorted(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
}

/** The q-quantile (0..1) with linear interpolation between order statistics (R type 7); NaN when empty. */
export function quantile(values: readonly (number | null | undefined)[], q: number): number {
  const xs = sorted(values);
  return quantileOfSorted(xs, q);
}

function quantileOfSorted(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const pos = (xs.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = xs[lo] as number;
  const b = xs[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly (number | null | undefined)[]): number {
  return quantile(values, 0.5);
}

export function mean(values: readonly (number | null | undefined)[]): number {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

export interface BootstrapOptions {
  /** Resamples; default 10,000. */
  resamples?: number;
  /** Default 0.95. */
  confidence?: number;
  /** Seed of the resampling; default 1, so the interval of the same data never changes. */
  seed?: number | string;
}

function resolveBootstrap(options: BootstrapOptions): Required<BootstrapOptions> {
  return { resamples: options.resamples ?? 10_000, confidence: options.confidence ?? 0.95, seed: options.seed ?? 1 };
}

/**
 * Percentile bootstrap interval of `statistic` over `values` (resampled with replacement).
 *
 * @example
 * bootstrapInterval([1, 2, 3, 4], mean); // { estimate: 2.5, low: ..., high: ... }
 */
export function bootstrapInterval(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  options: BootstrapOptions = {},
): Interval & { estimate: number } {
  const { resamples, confidence, seed } = resolveBootstrap(options);
  const estimate = statistic(values);
  if (values.length === 0) return { estimate, low: Number.NaN, high: Number.NaN };
  const random = seedrandom.alea(String(seed));
  const stats = new Float64Array(resamples);
  const sample = new Array<number>(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) sample[i] = values[Math.floor(random() * values.length)] as number;
    stats[r] = statistic(sample);
  }
  stats.sort();
  const alpha = (1 - confidence) / 2;
  return { estimate, low: quantileOfSorted(stats as unknown as number[], alpha), high: quantileOfSorted(stats as unknown as number[], 1 - alpha) };
}

/** The bootstrap of a paired change: the ratio of medians new/base, its interval and a two-sided p-value. */
export interface RatioEstimate extends Interval {
  /** median(new) / median(base) on the data as observed. */
  ratio: number;
  /** Two-sided bootstrap p-value of "the ratio is 1": twice the smaller tail of resampled ratios beyond 1. */
  p: number;
}

/**
 * Bootstraps median(new)/median(base) over paired observations (pairs resampled together, as the
 * episodes share scenario, agent, seed and repeat), the way criterion.rs bootstraps a change.
 * Pairs with a missing or non-positive base are dropped. NaN ratio when nothing is left.
 *
 * @example
 * medianRatio([10, 11, 12], [20, 22, 24]).ratio; // 2
 */
export function medianRatio(base: readonly number[], next: readonly number[], options: BootstrapOptions = {}): RatioEstimate {
  const { resamples, confidence, seed } = resolveBootstrap(options);
  const pb: number[] = [];
  const pn: number[] = [];
  for (let i = 0; i < Math.min(base.length, next.length); i++) {
    const b = base[i] as number;
    const n = next[i] as number;
    if (Number.isFinite(b) && Number.isFinite(n) && b > 0 && n >= 0) {
      pb.push(b);
      pn.push(n);
    }
  }
  const size = pb.length;
  if (size === 0) return { ratio: Number.NaN, low: Number.NaN, high: Number.NaN, p: 1 };
  const ratio = median(pn) / median(pb);
  const random = seedrandom.alea(String(seed));
  // Typed arrays sort numerically without a comparator: the hot loop of every comparison.
  const bs = new Float64Array(size);
  const ns = new Float64Array(size);
  const mid = (xs: Float64Array): number => {
    xs.sort();
    const h = size >> 1;
    return size % 2 === 1 ? (xs[h] as number) : ((xs[h - 1] as number) + (xs[h] as number)) / 2;
  };
  const ratios = new Float64Array(resamples);
  let count = 0;
  let below = 0;
  let above = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < size; i++) {
      const j = Math.floor(random() * size);
      bs[i] = pb[j] as number;
      ns[i] = pn[j] as number;
    }
    const mb = mid(bs);
    if (!(mb > 0)) continue;
    const value = mid(ns) / mb;
    ratios[count++] = value;
    if (value <= 1) below++;
    if (value >= 1) above++;
  }
  const used = ratios.subarray(0, count).sort();
  const alpha = (1 - confidence) / 2;
  const p = Math.min(1, (2 * Math.min(below, above)) / Math.max(1, count));
  return { ratio, low: quantileOfSorted(used as unknown as number[], alpha), high: quantileOfSorted(used as unknown as number[], 1 - alpha), p };
}

/**
 * McNemar's exact test on paired binary outcomes: `b` pairs that went pass -> fail, `c` fail -> pass.
 * Two-sided p-value of the binomial test of min(b, c) out of b + c at 1/2 (1 when there are none).
 *
 * @example
 * mcnemarExact(0, 6).p; // 0.03125
 */
export function mcnemarExact(b: number, c: number): { p: number; discordant: number } {
  const n = b + c;
  if (n === 0) return { p: 1, discordant: 0 };
  const k = Math.min(b, c);
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so n in the thousands stays exact enough.
  let logCoef = 0; // log C(n, 0)
  let tail = 0;
  const logHalfN = n * Math.log(0.5);
  for (let i = 0; i <= k; i++) {
    if (i > 0) logCoef += Math.log((n - i + 1) / i);
    tail += Math.exp(logCoef + logHalfN);
  }
  return { p: Math.min(1, 2 * tail), discordant: n };
}

/**
 * Holm's step-down correction: adjusted p-values (same order as given) controlling the
 * family-wise error rate, so many comparisons do not cry wolf.
 *
 * @example
 * holm([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
