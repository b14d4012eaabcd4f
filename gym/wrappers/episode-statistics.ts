import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Action } from '../tools.js';
import { Wrapper } from './wrapper.js';

/** What EpisodeStatistics adds to the last step's info, as Gymnasium's `info["episode"]`. */
export interface EpisodeStats {
  /** Return: the sum of rewards. */
  r: number;
  /** Length in steps. */
  l: number;
  /** Wall time in seconds. */
  t: number;
}

/** Gymnasium's RecordEpisodeStatistics: `info.episode = { r, l, t }` at the end, and rolling queues. */
export class EpisodeStatistics extends Wrapper {
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];
  #return = 0;
  #length = 0;
  #start = 0;

  constructor(
    env: Env,
    readonly bufferLength = 100,
  ) {
    super(env);
  }

  override async reset(options?: ResetOptions): Promise<ResetResult> {
    const result = await this.env.reset(options);
    this.#return = 0;
    this.#length = 0;
    this.#start = performance.now();
    return result;
  }

  override async step(action: Action): Promise<StepResult> {
    const result = await this.env.step(action);
    this.#return += result.reward;
    this.#length++;
    if (result.terminated || result.truncated) {
      const stats: EpisodeStats = { r: this.#return, l: this.#length, t: Math.round(performance.now() - this.#start) / 1000 };
      for (const [queue, value] of [
        [this.returnQueue, stats.r],
        [this.lengthQueue, stats.l],
        [this.timeQueue, stats.t],
      ] as const) {
        queue.push(value);
        if (queue.length > this.bufferLength) queue.shift();
      }
      return { ...result, info: { ...result.info, episode: stats } };
    }
    return result;
  }
}
