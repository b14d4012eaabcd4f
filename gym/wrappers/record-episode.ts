import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { EpisodeRecord } from '../episode.js';
import type { Observation } from '../observation.js';
import type { Action } from '../tools.js';
import { Wrapper } from './wrapper.js';

/** Version of the trajectory format (the `format` field of each `episode` line). */
export const TRAJECTORY_FORMAT = 1;

/** Lines of a trajectory file (JSON lines), in order: episode, step..., end; repeated per episode. */
export type TrajectoryLine =
  | { type: 'episode'; format: number; scenario: string; version: number; seed: number; worldHash: string; startedAt: string; options?: Record<string, unknown>; source?: string }
  | { type: 'step'; step: number; action: Action; observation: Observation; reward: number; terminated: boolean; truncated: boolean; worldHash: string; wallMs: number }
  | { type: 'end'; record: EpisodeRecord };

export interface RecordEpisodeOptions {
  /** Options to write into each episode line (the env's `make` options, so replay can rebuild it). */
  envOptions?: Record<string, unknown>;
  /** Where the env spec comes from (a module path, or 'builtin'), so replay can find it. */
  source?: string;
  /** Start a new file instead of appending (default true). */
  truncate?: boolean;
}

/**
 * Writes the trajectory as JSON lines: the seed, every action with its observation, reward,
 * timing and world hash, and the episode record at the end. `clove gym replay FILE` checks it.
 */
export class RecordEpisode extends Wrapper {
  readonly path: string;
  #step = 0;
  readonly #envOptions: Record<string, unknown> | undefined;
  readonly #source: string | undefined;

  constructor(env: Env, path: string, options: RecordEpisodeOptions = {}) {
    super(env);
    this.path = resolve(path);
    this.#envOptions = options.envOptions;
    this.#source = options.source;
    mkdirSync(dirname(this.path), { recursive: true });
    if (options.truncate !== false) writeFileSync(this.path, '');
  }

  override async reset(options?: ResetOptions): Promise<ResetResult> {
    const result = await this.env.reset(options);
    this.#step = 0;
    const u = this.unwrapped;
    this.#write({
      type: 'episode',
      format: TRAJECTORY_FORMAT,
      scenario: u.spec.id,
      version: u.spec.version,
      seed: result.info.seed,
      worldHash: u.stateHash(),
      startedAt: new Date().toISOString(),
      ...(this.#envOptions ? { options: this.#envOptions } : {}),
      ...(this.#source ? { source: this.#source } : {}),
    });
    return result;
  }

  override async step(action: Action): Promise<StepResult> {
    const started = performance.now();
    const result = await this.env.step(action);
    const wallMs = Math.round((performance.now() - started) * 1000) / 1000;
    this.#write({
      type: 'step',
      step: ++this.#step,
      action,
      observation: result.observation,
      reward: result.reward,
      terminated: result.terminated,
      truncated: result.truncated,
      worldHash: this.unwrapped.stateHash(),
      wallMs,
    });
    if (result.info.record) {
      const record = { ...result.info.record, trajectory: this.path };
      this.#write({ type: 'end', record });
      return { ...result, info: { ...result.info, record } };
    }
    return result;
  }

  #write(line: TrajectoryLine): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}
