import type { ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Action } from '../tools.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's PassiveEnvChecker: checks the first reset and step results against the spaces and
 * the API (observation in the space, finite reward, boolean flags) and warns without changing
 * anything. Warnings go to `process.emitWarning` and to `warnings`.
 */
export class PassiveEnvChecker extends Wrapper {
  readonly warnings: string[] = [];
  #checkedReset = false;
  #checkedStep = false;

  override async reset(options?: ResetOptions): Promise<ResetResult> {
    const result = await this.env.reset(options);
    if (!this.#checkedReset) {
      this.#checkedReset = true;
      if (!this.observationSpace.contains(result.observation)) this.#warn('reset() returned an observation outside the observation space');
      if (result.info === null || typeof result.info !== 'object') this.#warn('reset() info is not an object');
    }
    return result;
  }

  override async step(action: Action): Promise<StepResult> {
    const result = await this.env.step(action);
    if (!this.#checkedStep) {
      this.#checkedStep = true;
      if (!this.observationSpace.contains(result.observation)) this.#warn('step() returned an observation outside the observation space');
      if (typeof result.reward !== 'number' || !Number.isFinite(result.reward)) this.#warn(`step() reward is not a finite number (${String(result.reward)})`);
      if (typeof result.terminated !== 'boolean' || typeof result.truncated !== 'boolean') this.#warn('step() terminated/truncated are not booleans');
    }
    return result;
  }

  #warn(message: string): void {
    const text = `${this.spec.id}: ${message}`;
    this.warnings.push(text);
    process.emitWarning(text, { code: 'CLOVE_GYM_ENV_CHECK' });
  }
}
