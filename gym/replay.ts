import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Env, EnvOptions } from './env.js';
import { TimeLimit } from './wrappers/time-limit.js';
import { RecordError, toError } from './errors.js';
import { makeUnwrapped } from './make.js';
import { registry, type EnvSpec } from './registry.js';
import type { TrajectoryLine } from './wrappers/record-episode.js';

/** Where a replay first differed from the recording. */
export interface Divergence {
  /** 1-based episode in the file. */
  episode: number;
  /** 0 = the initial world (reset), else the step number. */
  step: number;
  field: 'worldHash' | 'observation' | 'reward' | 'terminated' | 'truncated' | 'error';
  expected: unknown;
  actual: unknown;
  line: number;
}

export interface ReplayReport {
  file: string;
  episodes: number;
  steps: number;
  diverged: Divergence | null;
}

export interface ReplayOptions {
  /** The spec to replay against (default: the registry's, by the recorded scenario id, or the recorded source module). */
  spec?: EnvSpec;
}

type Episode = { header: Extract<TrajectoryLine, { type: 'episode' }>; line: number; steps: Array<{ step: Extract<TrajectoryLine, { type: 'step' }>; line: number }> };

async function specFor(header: Episode['header'], given?: EnvSpec): Promise<EnvSpec> {
  if (given) return given;
  const source = (header as { source?: string }).source;
  if (source && source !== 'builtin' && /\.(m?js|ts)$/.test(source)) {
    const mod = (await import(pathToFileURL(source).href)) as { default?: EnvSpec | EnvSpec[] };
    const list = Array.isArray(mod.default) ? mod.default : mod.default ? [mod.default] : [];
    const spec = list.find((s) => s.id === header.scenario);
    if (spec) return spec;
  }
  return registry.lookup(header.scenario);
}

/** Parses a trajectory file into episodes; errors name the file and line. */
export async function readTrajectory(file: string): Promise<Episode[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new RecordError(file, 0, `cannot read the trajectory (${error.code ?? error.message})`);
  });
  const episodes: Episode[] = [];
  text.split('\n').forEach((raw, index) => {
    const n = index + 1;
    if (raw.trim() === '') return;
    let line: TrajectoryLine;
    try {
      line = JSON.parse(raw) as TrajectoryLine;
    } catch (error) {
      throw new RecordError(file, n, `not JSON (${toError(error).message})`);
    }
    if (line.type === 'episode') episodes.push({ header: line, line: n, steps: [] });
    else if (line.type === 'step') {
      const current = episodes.at(-1);
      if (!current) throw new RecordError(file, n, 'a step line before any episode line');
      current.steps.push({ step: line, line: n });
    } else if (line.type !== 'end') throw new RecordError(file, n, `unknown line type ${JSON.stringify((line as { type?: unknown }).type)} (expected episode, step or end)`);
  });
  if (episodes.length === 0) throw new RecordError(file, 1, 'no episode line: is this a trajectory written by RecordEpisode / clove gym play --record?');
  return episodes;
}

/**
 * Replays a recorded trajectory: resets with the recorded seed, performs every recorded action and
 * reports the first step whose observation, reward, flags or world hash differ.
 *
 * @example
 * const report = await replay('runs/episode.jsonl');
 * if (report.diverged) console.log(`diverged at step ${report.diverged.step}: ${report.diverged.field}`);
 */
export async function replay(file: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const episodes = await readTrajectory(file);
  let steps = 0;
  for (const [e, episode] of episodes.entries()) {
    const spec = await specFor(episode.header, options.spec);
    const recorded = (episode.header.options ?? {}) as EnvOptions & { maxEpisodeSteps?: number };
    const { maxEpisodeSteps, ...envOptions } = recorded;
    const unwrapped = await makeUnwrapped(spec, envOptions);
    const env: Env = maxEpisodeSteps === undefined ? unwrapped : new TimeLimit(unwrapped, maxEpisodeSteps);
    try {
      await env.reset({ seed: episode.header.seed });
      const diverge = (step: number, field: Divergence['field'], expected: unknown, actual: unknown, line: number): ReplayReport => ({
        file,
        episodes: e + 1,
        steps,
        diverged: { episode: e + 1, step, field, expected, actual, line },
      });
      if (unwrapped.stateHash() !== episode.header.worldHash) return diverge(0, 'worldHash', episode.header.worldHash, unwrapped.stateHash(), episode.line);
      for (const { step, line } of episode.steps) {
        let result;
        try {
          result = await env.step(step.action);
        } catch (error) {
          return diverge(step.step, 'error', 'the recorded action to be accepted', toError(error).message, line);
        }
        steps++;
        if (JSON.stringify(result.observation) !== JSON.stringify(step.observation)) return diverge(step.step, 'observation', step.observation, result.observation, line);
        if (result.reward !== step.reward) return diverge(step.step, 'reward', step.reward, result.reward, line);
        if (result.terminated !== step.terminated) return diverge(step.step, 'terminated', step.terminated, result.terminated, line);
        if (result.truncated !== step.truncated) return diverge(step.step, 'truncated', step.truncated, result.truncated, line);
        const hash = unwrapped.stateHash();
        if (hash !== step.worldHash) return diverge(step.step, 'worldHash', step.worldHash, hash, line);
        if (result.terminated || result.truncated) break;
      }
    } finally {
      await env.close();
    }
  }
  return { file, episodes: episodes.length, steps, diverged: null };
}
