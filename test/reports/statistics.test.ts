import { describe, expect, it } from 'vitest';
import { bootstrapInterval, holm, mcnemarExact, mean, median, medianRatio, passAtK, passHatK, quantile, wilson } from '../../reports/index.js';

describe('wilson', () => {
  it('matches the published Wilson interval for 8 of 10', () => {
    const w = wilson(8, 10);
    expect(w.rate).toBe(0.8);
    expect(w.low).toBeCloseTo(0.4902, 4);
    expect(w.high).toBeCloseTo(0.9433, 4);
  });

  it('stays inside [0, 1] at the edges, unlike the normal approximation', () => {
    const none = wilson(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const all = wilson(20, 20);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.8389, 4);
  });

  it('gives the whole range when there were no trials', () => {
    expect(wilson(0, 0)).toMatchObject({ low: 0, high: 1 });
  });
});

describe('pass^k and pass@k', () => {
  it('computes C(c,k)/C(n,k) and 1 - C(n-c,k)/C(n,k)', () => {
    expect(passHatK([{ n: 4, c: 2 }], 2)).toBeCloseTo(1 / 6, 12);
    expect(passAtK([{ n: 4, c: 1 }], 2)).toBeCloseTo(0.5, 12);
    expect(passHatK([{ n: 5, c: 5 }], 3)).toBe(1);
    expect(passAtK([{ n: 5, c: 0 }], 3)).toBe(0);
  });

  it('averages over tasks and equals the success rate at k = 1', () => {
    const tasks = [
      { n: 4, c: 4 },
      { n: 4, c: 2 },
      { n: 4, c: 0 },
    ];
    expect(passHatK(tasks, 1)).toBeCloseTo(0.5, 12);
    expect(passAtK(tasks, 1)).toBeCloseTo(0.5, 12);
    expect(passHatK(tasks, 2)).toBeCloseTo((1 + 1 / 6 + 0) / 3, 12);
    // pass^k falls and pass@k rises with k.
    expect(passHatK(tasks, 4)).toBeLessThan(passHatK(tasks, 2));
    expect(passAtK(tasks, 4)).toBeGreaterThan(passAtK(tasks, 2));
  });

  it('is NaN when no task was tried k times', () => {
    expect(passHatK([{ n: 1, c: 1 }], 2)).toBeNaN();
  });
});

describe('quantiles', () => {
  it('interpolates between order statistics (R type 7) and ignores nulls', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile(Array.from({ length: 20 }, (_, i) => i + 1), 0.95)).toBeCloseTo(19.05, 10);
    expect(mean([1, null, 3])).toBe(2);
    expect(median([])).toBeNaN();
  });
});

describe('bootstrap', () => {
  it('gives the same interval for the same data and seed, and it covers the estimate', () => {
    const xs = Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
    const a = bootstrapInterval(xs, mean, { resamples: 2000, seed: 3 });
    const b = bootstrapInterval(xs, mean, { resamples: 2000, seed: 3 });
    expect(a).toEqual(b);
    expect(a.low).toBeLessThan(a.estimate);
    expect(a.high).toBeGreaterThan(a.estimate);
    // The standard error of this mean is about 0.45: a 95% interval spans roughly 1.8.
    expect(a.high - a.low).toBeGreaterThan(1);
    expect(a.high - a.low).toBeLessThan(2.6);
  });

  it('finds no change between a sample and itself, and a clear one when times double', () => {
    const base = [10, 12, 11, 13, 10, 12, 14, 11, 12, 10];
    const same = medianRatio(base, base, { resamples: 2000 });
    expect(same.ratio).toBe(1);
    expect(same.p).toBe(1);
    const doubled = medianRatio(base, base.map((x) => x * 2), { resamples: 2000 });
    expect(doubled.ratio).toBe(2);
    expect(doubled.low).toBe(2);
    expect(doubled.p).toBe(0);
  });
});

describe('McNemar exact', () => {
  it('is the two-sided binomial test on the discordant pairs', () => {
    expect(mcnemarExact(0, 6).p).toBeCloseTo(0.03125, 12);
    expect(mcnemarExact(9, 1).p).toBeCloseTo(22 / 1024, 12);
    expect(mcnemarExact(5, 5).p).toBe(1);
    expect(mcnemarExact(0, 0)).toEqual({ p: 1, discordant: 0 });
    // One flipped seed out of twenty is not evidence of anything.
    expect(mcnemarExact(1, 0).p).toBe(1);
  });

  it('stays finite for large counts', () => {
    const { p } = mcnemarExact(400, 600);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-9);
  });
});

describe('Holm', () => {
  it('adjusts step-down and keeps the order given', () => {
    const adjusted = holm([0.01, 0.04, 0.03]);
    expect(adjusted[0]).toBeCloseTo(0.03, 12);
    expect(adjusted[1]).toBeCloseTo(0.06, 12);
    expect(adjusted[2]).toBeCloseTo(0.06, 12);
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    expect(holm([0.2, 0.01])).toEqual([0.2, 0.02]);
    expect(holm([])).toEqual([]);
  });
});
