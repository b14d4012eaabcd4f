import type { EnvOptions, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Action } from '../tools.js';

/** What the parent sends a vector worker. */
export type WorkerRequest =
  | { type: 'reset'; id: number; options?: ResetOptions }
  | { type: 'step'; id: number; action: Action }
  | { type: 'close'; id: number };

/** What a vector worker answers (one reply per request id). */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'reset-result'; id: number; result: ResetResult }
  | { type: 'step-result'; id: number; result: StepResult }
  | { type: 'closed'; id: number }
  | { type: 'error'; id: number | null; code: string; message: string; field?: string; expected?: string };

/** workerData of a vector worker: how to make its env. */
export interface WorkerData {
  envId: string;
  /** Module (absolute path) whose default export is the EnvSpec (or an array of them); else a built-in id. */
  source?: string;
  options: EnvOptions;
}
