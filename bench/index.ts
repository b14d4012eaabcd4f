/**
 * `clove/bench`: suites of scenarios x agents x seeds, run in parallel with results written as each
 * episode ends; shards, merge and the CI gate (compare). See docs/bench.md.
 *
 * @example
 * import { loadSuite, runSuite, compareResults } from 'clove/bench';
 * const outcome = await runSuite(loadSuite('bench/suites/smoke.yaml'), { out: 'bench-out' });
 *
 * @module
 */
export { loadSuite, parseSuite, defineSuite, suiteSchema, SUITE_DEFAULTS } from './suite.js';
export type { Suite, SuiteAgent, AgentKind, ScenarioSelector, SuiteLimits, SuiteSandbox, Price } from './suite.js';
export { selectScenarios, planEpisodes, episodeKey } from './plan.js';
export type { ScenarioEntry, ScenarioCatalog, PlannedEpisode } from './plan.js';
export { parseShard, shardFromEnv, selectShard, type Shard } from './shard.js';
export { ResultsStore, episodeFileName, type RunManifest } from './store.js';
export { collectRun, loadResults, compareEpisodes } from './collect.js';
export { mergeResults, type MergeSummary } from './merge.js';
export { compareResults, checkComparable } from './compare.js';
export type { Comparison, CompareOptions, Change, SuccessComparison, FigureComparison, CounterComparison, BenchmarkComparison, EpisodeDifference } from './compare.js';
export { renderComparisonMarkdown } from './compare-markdown.js';
export { collectEnvironment, cgroupVersion, gitCommit } from './environment.js';
export { episodeCost, DEFAULT_PRICES } from './cost.js';
export { BenchError, SuiteInvalidError, IncompatibleResultsError, ResumeMismatchError, formatSuiteIssue, type SuiteIssue } from './errors.js';
export { runSuite, type RunOptions, type RunOutcome, type RunEvent } from './runner.js';
export type { EpisodeHost, EpisodeRequest } from './host.js';
export { INFRASTRUCTURE_CODES } from './host.js';
export { createProgress, type ProgressOptions } from './progress.js';
export { runMicro, MICRO_SUITES, type MicroSuite, type MicroTask, type MicroOptions } from './micro/micro.js';
export { createGymHost, type GymHostOptions } from './gym-host.js';
