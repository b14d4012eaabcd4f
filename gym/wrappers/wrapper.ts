import type { Env, EnvSpecInfo, ResetOptions, ResetResult, ScenarioEnv, StepResult } from '../env.js';
import type { Observation } from '../observation.js';
import type { Space } from '../spaces.js';
import type { Action } from '../tools.js';

/** Base of every wrapper: delegates everything to the wrapped env; override what you change. */
export class Wrapper implements Env {
  constructor(readonly env: Env) {}

  get spec(): EnvSpecInfo {
    return this.env.spec;
  }

  get actionSpace(): Space<Action> {
    return this.env.actionSpace;
  }

  get observationSpace(): Space<Observation> {
    return this.env.observationSpace;
  }

  get unwrapped(): ScenarioEnv {
    return this.env.unwrapped;
  }

  reset(options?: ResetOptions): Promise<ResetResult> {
    return this.env.reset(options);
  }

  step(action: Action): Promise<StepResult> {
    return this.env.step(action);
  }

  close(): Promise<void> {
    return this.env.close();
  }
}
