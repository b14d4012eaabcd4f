import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { GymError } from '../errors.js';
import type { Action } from '../tools.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's TimeLimit: `truncated` once `maxEpisodeSteps` steps were taken (the episode is ended
 * with reason `step_limit` and graded, so `info.record` is set as for any other end).
 */
export class TimeLimit extends Wrapper {
  #elapsed = 0;

  constructor(
    env: Env,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new GymError('GYM_SPEC_INVALID', `TimeLimit: maxEpisodeSteps must be a positive integer, got ${String(maxEpisodeSteps)}`);
    }
  }

  override async reset(options?: ResetOptions): Promise<ResetResult> {
    this.#elapsed = 0;
    return this.env.reset(options);
  }

  override async step(action: Action): Promise<StepResult> {
    const result = await this.env.step(action);
    this.#elapsed++;
    if (this.#elapsed >= this.maxEpisodeSteps && !result.terminated && !result.truncated) {
      const record = await this.unwrapped.end('step_limit');
      return { ...result, reward: record.reward, truncated: true, info: { ...result.info, reason: 'step_limit', record } };
    }
    return result;
  }
}
