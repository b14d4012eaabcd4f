/**
 * The results the dashboard shows from `--results DIR`: `clove bench run` output directories
 * (results.json, or run.json + episodes/ while a run is still going) and gym recordings (JSON lines
 * from RecordEpisode / `clove gym play --record`). Paths on the wire are relative to DIR; nothing
 * outside DIR is read.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkComparable, compareResults, episodeFileName, loadResults, type Comparison } from '../bench/index.js';
import type { EpisodeRecord } from '../gym/episode.js';
import type { TrajectoryLine } from '../gym/wrappers/record-episode.js';
import { summarise, type GroupSummary, type Results } from '../reports/index.js';
import { DashboardError } from './errors.js';

export interface RunEntry {
  path: string;
  suite: string;
  episodes: number;
  successes: number;
  startedAt: string;
  complete: boolean;
}

export interface RecordingEntry {
  path: string;
  bytes: number;
}

export interface EpisodeRow {
  key: string;
  scenario: string;
  agentId: string;
  seed: number;
  repeat: number;
  outcome: string;
  reason: string;
  success: boolean;
  reward: number;
  steps: number;
  wallMs: number;
  virtualMs: number;
  failedChecks: Array<{ id: string; message: string }>;
  error: { code: string; message: string } | null;
  /** The episode's recorded trajectory, relative to the results root, when there is one. */
  trajectory: string | null;
}

export interface RunView {
  path: string;
  suite: Results['suite'];
  run: Results['run'];
  environment: Results['environment'];
  groups: GroupSummary[];
  total: ReturnType<typeof summarise>['total'];
  episodes: EpisodeRow[];
}

export interface TrajectoryStep {
  step: number;
  action: unknown;
  observation: unknown;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  /** World time after the step (epoch ms), from the observation. */
  worldTime: number | null;
  wallMs: number;
  worldHash: string;
}

export interface TrajectoryEpisode {
  scenario: string;
  seed: number;
  startedAt: string;
  worldHash: string;
  steps: TrajectoryStep[];
  /** The episode record (outcome, reward, checks) when the episode ended in the file. */
  record: EpisodeRecord | null;
}

export interface CompareView {
  base: RunView;
  next: RunView;
  comparison: Comparison;
}

/** Directories deep the library looks for runs and recordings. */
const DEPTH = 4;

export class ResultsLibrary {
  readonly root: string;

  constructor(dir: string) {
    const full = resolve(dir);
    if (!existsSync(full)) throw new DashboardError('DASHBOARD_RESULTS_MISSING', `--results ${dir}: no such file or directory; pass the --out directory of \`clove bench run\` or a folder holding runs and recordings`);
    this.root = realpathSync(statSync(full).isDirectory() ? full : dirname(full));
  }

  /** An absolute path for a path relative to the root; refuses anything that leads outside it. */
  resolve(path: string): string {
    if (typeof path !== 'string' || path === '' || isAbsolute(path)) throw new DashboardError('DASHBOARD_BAD_PATH', `path ${JSON.stringify(path)} must be relative to the results directory ${this.root}`);
    const full = resolve(this.root, path);
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      throw new DashboardError('DASHBOARD_RESULTS_NOT_FOUND', `${path} does not exist under ${this.root}`, 404);
    }
    if (real !== this.root && !real.startsWith(this.root + sep)) throw new DashboardError('DASHBOARD_PATH_OUTSIDE', `${path} leads outside the results directory ${this.root}`, 403);
    return real;
  }

  #relative(full: string): string {
    return relative(this.root, full) || '.';
  }

  /** Runs and recordings under the root, newest run first. */
  list(): { root: string; runs: RunEntry[]; recordings: RecordingEntry[]; problems: Array<{ path: string; message: string }> } {
    const runs: RunEntry[] = [];
    const recordings: RecordingEntry[] = [];
    const problems: Array<{ path: string; message: string }> = [];
    const walk = (dir: string, depth: number): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const names = new Set(entries.map((e) => e.name));
      if (names.has('results.json') || names.has('run.json')) {
        try {
          const results = loadResults(dir);
          runs.push({
            path: this.#relative(dir),
            suite: results.suite.name,
            episodes: results.episodes.length,
            successes: results.episodes.filter((e) => e.success).length,
            startedAt: results.run.startedAt,
            complete: results.run.complete,
          });
        } catch (error) {
          problems.push({ path: this.#relative(dir), message: (error as Error).message });
        }
        return; // A run's own trajectories are shown with its episodes.
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory() && depth < DEPTH && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(full, depth + 1);
        else if (entry.isFile() && entry.name.endsWith('.jsonl')) recordings.push({ path: this.#relative(full), bytes: statSync(full).size });
      }
    };
    walk(this.root, 0);
    runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.path.localeCompare(b.path)));
    recordings.sort((a, b) => a.path.localeCompare(b.path));
    return { root: this.root, runs, recordings, problems };
  }

  #load(path: string): { dir: string; results: Results } {
    const dir = this.resolve(path);
    // A results file that does not parse, or a directory that is no run, is the reports' or bench's CloveError (RESULTS_INVALID, ...).
    return { dir, results: loadResults(dir) };
  }

  #trajectoryOf(dir: string, key: string, recorded: string | undefined): string | null {
    for (const candidate of [recorded, join(dir, 'trajectories', `${episodeFileName(key)}.jsonl`)]) {
      if (!candidate || !existsSync(candidate)) continue;
      const real = realpathSync(candidate);
      if (real.startsWith(this.root + sep)) return this.#relative(real);
    }
    return null;
  }

  #view(path: string, dir: string, results: Results): RunView {
    const summary = summarise(results);
    return {
      path,
      suite: results.suite,
      run: results.run,
      environment: results.environment,
      groups: summary.groups,
      total: summary.total,
      episodes: results.episodes.map((e) => ({
        key: e.key,
        scenario: e.scenario,
        agentId: e.agentId,
        seed: e.seed,
        repeat: e.repeat,
        outcome: e.outcome,
        reason: e.reason,
        success: e.success,
        reward: e.reward,
        steps: e.steps,
        wallMs: e.wallMs,
        virtualMs: e.virtualMs,
        failedChecks: e.checks.filter((c) => !c.passed).map((c) => ({ id: c.id, message: c.message })),
        error: e.error ?? null,
        trajectory: this.#trajectoryOf(dir, e.key, e.trajectory),
      })),
    };
  }

  /** One run: success per scenario x agent with Wilson intervals, every episode with its failed checks. */
  run(path: string): RunView {
    const { dir, results } = this.#load(path);
    return this.#view(this.#relative(dir), dir, results);
  }

  /** `clove bench compare` of two runs, with both runs for a side-by-side view. */
  compare(basePath: string, nextPath: string, options: { allowSuiteChange?: boolean } = {}): CompareView {
    const base = this.#load(basePath);
    const next = this.#load(nextPath);
    checkComparable(base.results, next.results, options); // IncompatibleResultsError (RESULTS_INCOMPATIBLE) for other suites.
    return {
      base: this.#view(this.#relative(base.dir), base.dir, base.results),
      next: this.#view(this.#relative(next.dir), next.dir, next.results),
      comparison: compareResults(base.results, next.results, options),
    };
  }

  /** A recorded trajectory, step by step; errors name the line. */
  trajectory(path: string): { path: string; episodes: TrajectoryEpisode[] } {
    const file = this.resolve(path);
    const episodes: TrajectoryEpisode[] = [];
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, index) => {
        if (raw.trim() === '') return;
        let line: TrajectoryLine;
        try {
          line = JSON.parse(raw) as TrajectoryLine;
        } catch (error) {
          throw new DashboardError('DASHBOARD_TRAJECTORY_INVALID', `${path}:${index + 1} is not JSON (${(error as Error).message}); is this a trajectory from RecordEpisode / clove gym play --record?`);
        }
        if (line.type === 'episode') {
          episodes.push({ scenario: line.scenario, seed: line.seed, startedAt: line.startedAt, worldHash: line.worldHash, steps: [], record: null });
          return;
        }
        const current = episodes.at(-1);
        if (!current) throw new DashboardError('DASHBOARD_TRAJECTORY_INVALID', `${path}:${index + 1}: a ${String((line as { type?: unknown }).type)} line before any episode line`);
        if (line.type === 'step') {
          const time = (line.observation as { time?: unknown }).time;
          current.steps.push({
            step: line.step,
            action: line.action,
            observation: line.observation,
            reward: line.reward,
            terminated: line.terminated,
            truncated: line.truncated,
            worldTime: typeof time === 'number' ? time : null,
            wallMs: line.wallMs,
            worldHash: line.worldHash,
          });
        } else if (line.type === 'end') current.record = line.record;
        else throw new DashboardError('DASHBOARD_TRAJECTORY_INVALID', `${path}:${index + 1}: unknown line type ${JSON.stringify((line as { type?: unknown }).type)} (expected episode, step or end)`);
      });
    if (episodes.length === 0) throw new DashboardError('DASHBOARD_TRAJECTORY_INVALID', `${path} holds no episode line: is it a trajectory from RecordEpisode / clove gym play --record?`);
    return { path: this.#relative(file), episodes };
  }
}
