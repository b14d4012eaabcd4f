import { describe, expect, it } from 'vitest';
import { compareResults, IncompatibleResultsError } from '../../bench/index.js';
import { validateResults } from '../../reports/index.js';
import { generateResults } from './generated.js';

const scenarios = ['alpha-v1', 'beta-v1', 'gamma-v1', 'delta-v1', 'eps-v1'];

describe('compare on generated results', () => {
  it('generates schema-valid results', () => {
    expect(validateResults(generateResults())).toEqual([]);
  });

  it('flags nothing when the same suite ran twice on a noisy machine (A/A), over many draws', () => {
    let flagged = 0;
    for (let draw = 0; draw < 5; draw++) {
      const c = compareResults(generateResults({ scenarios, noise: 100 + draw }), generateResults({ scenarios, noise: 200 + draw }));
      flagged += c.regressions + c.improvements;
      expect(c.pairs).toBe(100);
    }
    expect(flagged).toBe(0);
  });

  it('flags an agent variant that is 50% slower', () => {
    const c = compareResults(generateResults({ scenarios, noise: 1 }), generateResults({ scenarios, noise: 2, slowdown: 1.5 }));
    expect(c.verdict).toBe('regression');
    const wall = c.figures.filter((f) => f.metric === 'wallMs');
    expect(wall.every((f) => f.change === 'regression')).toBe(true);
    expect(wall[0]!.ratio).toBeGreaterThan(1.3);
    expect(wall[0]!.low).toBeGreaterThan(1.05);
  });

  it('does not flag a 2% slowdown: inside the noise threshold', () => {
    const c = compareResults(generateResults({ scenarios, noise: 1 }), generateResults({ scenarios, noise: 2, slowdown: 1.02 }));
    expect(c.figures.filter((f) => f.change !== 'none')).toEqual([]);
  });

  it('flags an agent variant that fails half the seeds, by McNemar on the pairs', () => {
    const c = compareResults(
      generateResults({ scenarios, noise: 1 }),
      generateResults({ scenarios, noise: 2, succeeds: (s, _a, seed) => s !== 'gamma-v1' || seed % 2 === 0 }),
    );
    expect(c.verdict).toBe('regression');
    const gamma = c.success.find((s) => s.scenario === 'gamma-v1')!;
    expect(gamma).toMatchObject({ lost: 10, gained: 0, change: 'regression' });
    expect(gamma.p).toBeCloseTo(2 / 1024, 10);
    expect(c.success.filter((s) => s.scenario !== 'gamma-v1').every((s) => s.change === 'none')).toBe(true);
  });

  it('does not cry wolf for one flipped seed', () => {
    const c = compareResults(generateResults({ scenarios, noise: 1 }), generateResults({ scenarios, noise: 2, succeeds: (s, _a, seed) => !(s === 'beta-v1' && seed === 3) }));
    expect(c.success.find((s) => s.scenario === 'beta-v1')).toMatchObject({ lost: 1, change: 'none' });
    expect(c.figures.some((f) => f.change === 'regression')).toBe(false);
  });

  it('compares counters exactly: more steps is a regression, reported per scenario with the episodes', () => {
    const c = compareResults(generateResults({ noise: 1 }), generateResults({ noise: 1, steps: (s, seed) => (s === 'beta-v1' ? 6 + (seed % 4) : 3 + (seed % 4)) }));
    const steps = c.counters.find((k) => k.metric === 'steps')!;
    expect(steps).toMatchObject({ scenario: 'beta-v1', differing: 20, change: 'regression' });
    expect(steps.new - steps.base).toBe(60);
  });

  it('in deterministic mode fails on any difference and ignores timings', () => {
    const same = compareResults(generateResults({ noise: 1 }), generateResults({ noise: 9, slowdown: 3 }), { deterministic: true });
    expect(same.verdict).toBe('pass');
    expect(same.figures).toEqual([]);
    const flipped = compareResults(generateResults({ noise: 1 }), generateResults({ noise: 1, succeeds: (s, _a, seed) => !(s === 'alpha-v1' && seed === 7) }), { deterministic: true });
    expect(flipped.verdict).toBe('regression');
    expect(flipped.differences.map((d) => `${d.key} ${d.what}`)).toEqual(['alpha-v1|reference|7|0 outcome', 'alpha-v1|reference|7|0 reward', 'alpha-v1|reference|7|0 final world']);
  });

  it('refuses results of different suites, suite versions or that share no episode (exit code 2)', () => {
    const base = generateResults();
    const other = () => compareResults(base, generateResults({ suite: 'other' }));
    expect(other).toThrow(IncompatibleResultsError);
    expect(other).toThrow(/suite "generated", NEW is suite "other"/);
    const changed = () => compareResults(base, generateResults({ hash: 'b'.repeat(64) }));
    expect(changed).toThrow(/different versions of suite generated/);
    expect(compareResults(base, generateResults({ hash: 'b'.repeat(64) }), { allowSuiteChange: true }).pairs).toBe(40);
    expect(() => compareResults(base, generateResults({ scenarios: ['zeta-v1'] }))).toThrow(/share no episode/);
    try {
      other();
    } catch (error) {
      expect((error as IncompatibleResultsError).exitCode).toBe(2);
    }
  });
});
