/**
 * Runs a suite: episodes in parallel (a fixed pool of `concurrency` workers), each written to disk
 * atomically as it ends, an agent's failure recorded as data, harness failures retried a bounded
 * number of times and counted apart; on interruption the episodes in flight are dropped (a resume
 * runs them) and the reports are written for what finished.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { EpisodeRecord } from '../gym/episode.js';
import { writeReports, type EpisodeResult, type Results } from '../reports/index.js';
import { collectRun } from './collect.js';
import { episodeCost } from './cost.js';
import { collectEnvironment } from './environment.js';
import { SuiteInvalidError } from './errors.js';
import { INFRASTRUCTURE_CODES, type EpisodeHost } from './host.js';
import { planEpisodes, selectScenarios, type PlannedEpisode } from './plan.js';
import { toError } from '../sdk/errors.js';
import { selectShard, type Shard } from './shard.js';
import { ResultsStore } from './store.js';
import type { Suite } from './suite.js';

/** Progress of a run, as typed events (the CLI draws a bar or prints lines from them). */
export type RunEvent =
  | { type: 'planned'; total: number; finished: number; toRun: number; shard: Shard | null }
  | { type: 'started'; key: string }
  | { type: 'finished'; result: EpisodeResult; done: number; total: number }
  | { type: 'retry'; key: string; attempt: number; code: string; message: string }
  | { type: 'interrupted'; inFlight: number };

export interface RunOptions {
  /** Results directory. */
  out: string;
  host: EpisodeHost;
  /** Episodes at once; default the suite's. */
  concurrency?: number;
  shard?: Shard | null;
  /** Run only the episodes `out` does not hold yet. */
  resume?: boolean;
  /** Interrupts the run: in-flight episodes are dropped, reports are written for what finished. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Passed to writeReports (default `$GITHUB_STEP_SUMMARY`). */
  stepSummary?: string | null;
}

export interface RunOutcome {
  results: Results;
  /** Episodes run now / found finished in `out` before. */
  ran: number;
  resumed: number;
  interrupted: boolean;
  written: string[];
}

/** Time the harness waits past the per-episode timeout for the gym to return before it records the timeout itself. */
const TIMEOUT_GRACE_MS = 5000;

function agentModel(e: PlannedEpisode): string | null {
  return e.agent.kind === 'llm' ? (e.agent.model ?? null) : 'mock';
}

/** The record of an episode the harness could not finish (every attempt failed, or it did not return in time). */
function harnessRecord(e: PlannedEpisode, outcome: 'errored' | 'truncated', code: string, message: string, wallMs: number, startedAt: string): EpisodeRecord {
  return {
    scenario: e.scenario.id,
    scenarioVersion: Number(/-v(\d+)$/.exec(e.scenario.id)?.[1] ?? 0),
    seed: e.seed,
    agent: e.agent.id,
    mode: e.agent.kind === 'command' ? 'external' : 'in-process',
    outcome,
    reason: outcome === 'truncated' ? 'wall_limit' : 'error',
    success: false,
    reward: 0,
    breakdown: { total: 0, success: 0, components: [], penalties: [] },
    checks: [],
    steps: 0,
    wallMs,
    virtualMs: 0,
    metrics: { cpuUserMs: null, cpuSystemMs: null, peakMemoryBytes: null, syscalls: {}, httpRequests: 0, llmCalls: 0, tokens: { prompt: 0, completion: 0, total: 0 }, bytesRead: 0, bytesWritten: 0, eventsFired: 0, waitingMs: 0, exitCode: null, signal: null },
    worldHash: '',
    error: { code, message },
    startedAt,
  };
}

/**
 * Runs a suite into `options.out` and writes its reports.
 *
 * @example
 * const host = await createGymHost();
 * const { results } = await runSuite(loadSuite('bench/suites/smoke.yaml'), { out: 'bench-out', host });
 */
export async function runSuite(suite: Suite, options: RunOptions): Promise<RunOutcome> {
  const runStarted = performance.now();
  const { host } = options;
  const emit = options.onEvent ?? (() => {});
  const unsupported = suite.agents.filter((a) => !host.agentKinds.includes(a.kind));
  if (unsupported.length > 0) {
    throw new SuiteInvalidError(
      suite.file,
      unsupported.map((a) => ({ file: suite.file, line: null, column: null, path: `/agents (${a.id})`, message: `kind ${a.kind} cannot run here (available: ${host.agentKinds.join(', ')})` })),
    );
  }
  const scenarios = await selectScenarios(suite, host.catalog);
  const plan = planEpisodes(suite, scenarios);
  const shard = options.shard ?? null;
  const mine = selectShard(plan, shard);
  const concurrency = Math.max(1, options.concurrency ?? suite.concurrency);
  const store = new ResultsStore(options.out);
  store.open(
    {
      format: 'clove-run',
      version: 1,
      suite: { name: suite.name, hash: suite.hash, ...(suite.file === '<inline>' ? {} : { path: suite.file }), ...(suite.description ? { description: suite.description } : {}), episodes: plan.length },
      shard,
      planned: mine.length,
      environment: collectEnvironment({ sandbox: host.sandboxDescription() }),
      startedAt: new Date().toISOString(),
      concurrency,
    },
    { resume: options.resume ?? false },
  );
  const finished = store.finishedKeys();
  const todo = mine.filter((e) => !finished.has(e.key));
  const resumed = mine.length - todo.length;
  emit({ type: 'planned', total: mine.length, finished: resumed, toRun: todo.length, shard });

  const interrupt = options.signal;
  let done = resumed;
  let ran = 0;
  let next = 0;
  const inFlight = new Set<string>();

  const runOne = async (e: PlannedEpisode): Promise<void> => {
    let attempt = 0;
    const startedAt = new Date().toISOString();
    const began = performance.now();
    for (;;) {
      attempt++;
      if (interrupt?.aborted) return;
      const controller = new AbortController();
      const onInterrupt = () => controller.abort(interrupt?.reason);
      interrupt?.addEventListener('abort', onInterrupt, { once: true });
      const timer = setTimeout(() => controller.abort(new Error('episode timeout')), suite.timeoutMs);
      let graceTimer: NodeJS.Timeout | undefined;
      let record: EpisodeRecord | undefined;
      let failure: { code: string; message: string } | undefined;
      try {
        const wallTimeMs = Math.min(suite.limits.wallTimeMs ?? suite.timeoutMs, suite.timeoutMs);
        const running = host.run({
          key: e.key,
          scenario: e.scenario,
          agent: e.agent,
          seed: e.seed,
          repeat: e.repeat,
          limits: { ...suite.limits, wallTimeMs },
          sandbox: suite.sandbox,
          baseDir: suite.dir,
          ...(suite.record ? { trajectory: store.trajectoryPath(e.key) } : {}),
          signal: controller.signal,
        });
        // A gym that does not return after the timeout and a grace period: the harness records the timeout.
        const overdue = new Promise<EpisodeRecord>((resolve) => {
          const arm = () => {
            graceTimer = setTimeout(() => resolve(harnessRecord(e, 'truncated', 'BENCH_EPISODE_TIMEOUT', `the episode did not end within its timeout of ${suite.timeoutMs} ms`, performance.now() - began, startedAt)), TIMEOUT_GRACE_MS);
          };
          if (controller.signal.aborted) arm();
          else controller.signal.addEventListener('abort', arm, { once: true });
        });
        record = await Promise.race([running, overdue]);
        if (record.outcome === 'errored' && record.error && INFRASTRUCTURE_CODES.test(record.error.code)) failure = record.error;
      } catch (error) {
        const err = toError(error) as Error & { code?: unknown };
        const code = typeof err.code === 'string' ? err.code : 'HOST_EPISODE_FAILED';
        if (INFRASTRUCTURE_CODES.test(code)) failure = { code, message: err.message };
        else record = harnessRecord(e, 'errored', code, err.message, performance.now() - began, startedAt);
      } finally {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        interrupt?.removeEventListener('abort', onInterrupt);
      }
      // Interrupted while in flight: drop it; --resume runs it again.
      if (interrupt?.aborted) return;
      if (failure) {
        store.recordInfrastructure({ key: e.key, attempt, code: failure.code, message: failure.message });
        if (attempt <= suite.retries) {
          emit({ type: 'retry', key: e.key, attempt, code: failure.code, message: failure.message });
          continue;
        }
        record = harnessRecord(e, 'errored', failure.code, `the harness failed on all ${attempt} attempts; last: ${failure.message}`, performance.now() - began, startedAt);
      }
      const r = record as EpisodeRecord;
      // The gym writes the trajectory where it was asked to, but not every kind of agent notes it in the record.
      const trajectory = r.trajectory ?? (suite.record && existsSync(store.trajectoryPath(e.key)) ? store.trajectoryPath(e.key) : undefined);
      const model = agentModel(e);
      const result: EpisodeResult = {
        ...r,
        ...(trajectory === undefined ? {} : { trajectory }),
        key: e.key,
        agentId: e.agent.id,
        repeat: e.repeat,
        suiteHash: suite.hash,
        workingMs: Math.max(0, r.wallMs - r.metrics.waitingMs),
        cost: { usd: episodeCost(r.metrics.tokens, model, suite.prices), model },
        attempts: attempt,
        ...(failure ? { infrastructureError: true } : {}),
      };
      store.writeEpisode(result);
      ran++;
      done++;
      emit({ type: 'finished', result, done, total: mine.length });
      return;
    }
  };

  const worker = async (): Promise<void> => {
    while (!interrupt?.aborted) {
      const e = todo[next++];
      if (!e) return;
      inFlight.add(e.key);
      emit({ type: 'started', key: e.key });
      try {
        await runOne(e);
      } finally {
        inFlight.delete(e.key);
      }
    }
  };

  const workers = Array.from({ length: Math.min(concurrency, Math.max(1, todo.length)) }, () => worker());
  let reportedInterrupt = false;
  const onAbort = () => {
    reportedInterrupt = true;
    emit({ type: 'interrupted', inFlight: inFlight.size });
  };
  interrupt?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(workers);
  } finally {
    interrupt?.removeEventListener('abort', onAbort);
  }
  const interrupted = Boolean(interrupt?.aborted);
  if (interrupted && !reportedInterrupt) emit({ type: 'interrupted', inFlight: 0 });
  const results = collectRun(options.out, { interrupted, wallMs: performance.now() - runStarted });
  const written = writeReports(options.out, results, options.stepSummary === undefined ? {} : { stepSummary: options.stepSummary });
  return { results, ran, resumed, interrupted, written };
}
