import { describe, expect, it } from 'vitest';
import { compareEpisodes, IncompatibleResultsError, mergeResults, parseShard, planEpisodes, selectShard, shardFromEnv, parseSuite, BenchError } from '../../bench/index.js';
import type { Results } from '../../reports/index.js';
import { generateResults } from './generated.js';

const suite = parseSuite('name: s\nscenarios: ["*"]\nagents: [reference, random]\nseeds: { count: 7 }\nrepeats: 2\n');
const scenarios = ['a-v1', 'b-v1', 'c-v1'].map((id) => ({ id, tags: [], ref: id }));
const plan = planEpisodes(suite, scenarios);

describe('shards', () => {
  it('parses i/n as Playwright does and refuses what is not', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '2', '']) expect(() => parseShard(bad), bad).toThrow(BenchError);
  });

  it('takes a 0-based index from JOB_COMPLETION_INDEX', () => {
    expect(shardFromEnv('JOB_COMPLETION_INDEX', 3, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 3 });
    expect(shardFromEnv('JOB_COMPLETION_INDEX', 3, { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 3, count: 3 });
    expect(() => shardFromEnv('JOB_COMPLETION_INDEX', 3, { JOB_COMPLETION_INDEX: '3' })).toThrow(/not a 0-based index below --shards 3/);
    expect(() => shardFromEnv('JOB_COMPLETION_INDEX', 3, {})).toThrow(/not set/);
  });

  it.each([1, 2, 3, 5, 8])('splits %i ways: disjoint, complete, sizes within one, same every time', (n) => {
    const shards = Array.from({ length: n }, (_, i) => selectShard(plan, { index: i + 1, count: n }));
    const keys = shards.flat().map((e) => e.key);
    expect(new Set(keys).size).toBe(plan.length);
    expect(keys.sort()).toEqual(plan.map((e) => e.key).sort());
    const sizes = shards.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // Balanced by cost too: every shard gets episodes of every scenario (a slow one is spread).
    if (n <= 8) for (const s of shards) expect(new Set(s.map((e) => e.scenario.id)).size).toBe(3);
    expect(selectShard(plan, { index: 1, count: n }).map((e) => e.key)).toEqual(shards[0]!.map((e) => e.key));
  });
});

function split(results: Results, n: number): Results[] {
  return Array.from({ length: n }, (_, i) => ({
    ...results,
    run: { ...results.run, shard: { index: i + 1, count: n }, planned: undefined as unknown as number },
    episodes: results.episodes.filter((_, j) => j % n === i).reverse(),
  }));
}

describe('merge', () => {
  it('gives the same episodes, in the same order, as the unsharded run', () => {
    const whole = generateResults({ agents: ['reference', 'random'], seeds: 9 });
    const { results, duplicates } = mergeResults(split(whole, 4), ['s1', 's2', 's3', 's4']);
    expect(duplicates).toEqual([]);
    // Every results file orders episodes by scenario, agent, seed, repeat, so both sides line up.
    expect(results.episodes).toEqual([...whole.episodes].sort(compareEpisodes));
    expect(results.run).toMatchObject({ complete: true, shard: null, merged: ['s1', 's2', 's3', 's4'] });
  });

  it('is incomplete when a shard is missing, and keeps one record of an episode run twice', () => {
    const whole = generateResults();
    const parts = split(whole, 3);
    expect(mergeResults(parts.slice(0, 2)).results.run.complete).toBe(false);
    const rerun = { ...parts[0]!, episodes: parts[0]!.episodes.map((e) => ({ ...e, startedAt: '2026-11-28T11:00:00.000Z' })) };
    const { results, duplicates } = mergeResults([...parts, rerun]);
    expect(duplicates.length).toBe(parts[0]!.episodes.length);
    expect(results.episodes.length).toBe(whole.episodes.length);
    expect(results.episodes.filter((e) => e.startedAt.startsWith('2026-11-28T11')).length).toBe(parts[0]!.episodes.length);
  });

  it('refuses shards of different suites', () => {
    expect(() => mergeResults([generateResults(), generateResults({ hash: 'c'.repeat(64) })], ['a', 'b'])).toThrow(IncompatibleResultsError);
  });
});
