import type { ResetOptions, ResetResult, StepResult } from '../env.js';
import { ResetNeededError } from '../errors.js';
import type { Action } from '../tools.js';
import { Wrapper } from './wrapper.js';

/** Gymnasium's OrderEnforcing: step before the first reset raises `ResetNeededError` (GYM_RESET_NEEDED). */
export class OrderEnforcing extends Wrapper {
  #hasReset = false;

  override async reset(options?: ResetOptions): Promise<ResetResult> {
    const result = await this.env.reset(options);
    this.#hasReset = true;
    return result;
  }

  override step(action: Action): Promise<StepResult> {
    if (!this.#hasReset) return Promise.reject(new ResetNeededError(`step() on ${this.spec.id} before reset()`));
    return this.env.step(action);
  }

  get hasReset(): boolean {
    return this.#hasReset;
  }
}
