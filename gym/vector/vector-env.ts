import type { EnvSpecInfo, ResetInfo, ResetOptions, ResetResult, StepInfo, StepResult } from '../env.js';
import { GymError } from '../errors.js';
import type { Observation } from '../observation.js';
import type { Space } from '../spaces.js';
import type { Action } from '../tools.js';

/** What a vector env needs of each sub-env: the Env calls, possibly in another thread. */
export interface SubEnv {
  reset(options?: ResetOptions): Promise<ResetResult>;
  step(action: Action): Promise<StepResult>;
  close(): Promise<void>;
}

export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';

export interface VectorResetOptions {
  /** Env i is reset with seed + i. */
  seed?: number;
  options?: {
    /** Only these envs are reset (the others keep their episode); needed in `disabled` autoreset mode. */
    reset_mask?: boolean[];
    [key: string]: unknown;
  };
}

export interface VectorInfo extends Partial<StepInfo> {
  /** `next-step`: this step ignored the action and reset the env. */
  autoreset?: boolean;
  /** `same-step`: the last observation of the episode that ended in this step. */
  final_obs?: Observation;
  /** `same-step`: the last info (with `record`) of the episode that ended in this step. */
  final_info?: StepInfo;
  /** Reset info, when the env was reset in this call. */
  reset?: ResetInfo;
  [key: string]: unknown;
}

export interface VectorResetResult {
  observations: (Observation | null)[];
  infos: (ResetInfo | null)[];
}

export interface VectorStepResult {
  observations: Observation[];
  rewards: number[];
  terminations: boolean[];
  truncations: boolean[];
  infos: VectorInfo[];
}

/**
 * n envs stepped as one, with Gymnasium 1.x autoreset semantics (see docs/gym.md#autoreset):
 * - `next-step` (default): the step after an episode ended ignores that env's action, resets it
 *   and returns the first observation of the new episode, reward 0, both flags false and
 *   `info.autoreset = true`. The final observation was the one returned with terminated/truncated.
 * - `same-step`: the env is reset inside the step that ended it; the returned observation is the
 *   new episode's first, and the final one is in `info.final_obs` (its info in `info.final_info`).
 * - `disabled`: nothing resets by itself; call `reset({ options: { reset_mask } })`.
 */
export class VectorEnv {
  readonly numEnvs: number;
  #ended: boolean[];
  #closed = false;

  constructor(
    readonly envs: SubEnv[],
    readonly spec: EnvSpecInfo,
    readonly singleActionSpace: Space<Action>,
    readonly singleObservationSpace: Space<Observation>,
    readonly autoreset: AutoresetMode = 'next-step',
    readonly mode: 'sync' | 'async' = 'sync',
  ) {
    this.numEnvs = envs.length;
    this.#ended = envs.map(() => false);
  }

  async reset(options: VectorResetOptions = {}): Promise<VectorResetResult> {
    this.#check();
    const mask = options.options?.reset_mask;
    if (mask !== undefined && (!Array.isArray(mask) || mask.length !== this.numEnvs)) {
      throw new GymError('GYM_RESET_MASK_INVALID', `reset_mask must be an array of ${this.numEnvs} booleans, got ${JSON.stringify(mask)}`);
    }
    const { reset_mask: _mask, ...rest } = options.options ?? {};
    const results = await this.#all((env, i) => {
      if (mask && !mask[i]) return Promise.resolve(null);
      return env.reset({ ...(options.seed !== undefined ? { seed: options.seed + i } : {}), ...(Object.keys(rest).length > 0 ? { options: rest } : {}) });
    });
    results.forEach((r, i) => {
      if (r) this.#ended[i] = false;
    });
    return { observations: results.map((r) => r?.observation ?? null), infos: results.map((r) => r?.info ?? null) };
  }

  async step(actions: Action[]): Promise<VectorStepResult> {
    this.#check();
    if (!Array.isArray(actions) || actions.length !== this.numEnvs) {
      throw new GymError('GYM_ACTION_INVALID', `step(actions): expected an array of ${this.numEnvs} actions (one per env), got ${Array.isArray(actions) ? actions.length : typeof actions}`);
    }
    const results = await this.#all(async (env, i): Promise<{ observation: Observation; reward: number; terminated: boolean; truncated: boolean; info: VectorInfo }> => {
      if (this.autoreset === 'next-step' && this.#ended[i]) {
        const r = await env.reset();
        this.#ended[i] = false;
        return { observation: r.observation, reward: 0, terminated: false, truncated: false, info: { autoreset: true, reset: r.info } };
      }
      const r = await env.step(actions[i]!);
      const done = r.terminated || r.truncated;
      if (done && this.autoreset === 'same-step') {
        const again = await env.reset();
        return { observation: again.observation, reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: { ...r.info, final_obs: r.observation, final_info: r.info, reset: again.info } };
      }
      if (done) this.#ended[i] = true;
      return { ...r, info: r.info };
    });
    return {
      observations: results.map((r) => r.observation),
      rewards: results.map((r) => r.reward),
      terminations: results.map((r) => r.terminated),
      truncations: results.map((r) => r.truncated),
      infos: results.map((r) => r.info),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.envs.map((e) => e.close()));
  }

  #check(): void {
    if (this.#closed) throw new GymError('GYM_ENV_CLOSED', `vector env of ${this.spec.id} is closed; make a new one with makeVec()`);
  }

  /** Sync mode steps the envs one after another in this thread; async runs them at once in workers. */
  async #all<T>(fn: (env: SubEnv, i: number) => Promise<T>): Promise<T[]> {
    if (this.mode === 'async') return Promise.all(this.envs.map(fn));
    const out: T[] = [];
    for (let i = 0; i < this.envs.length; i++) out.push(await fn(this.envs[i]!, i));
    return out;
  }
}
