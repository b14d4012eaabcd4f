import { isAbsolute, resolve } from 'node:path';
import type { EnvOptions } from '../env.js';
import { GymError } from '../errors.js';
import { makeUnwrapped } from '../make.js';
import { registry, type EnvSpec } from '../registry.js';
import { VectorEnv, type AutoresetMode } from './vector-env.js';
import { WorkerEnv } from './worker-env.js';

export interface MakeVecOptions extends EnvOptions {
  /** `sync`: every env in this thread, stepped in turn; `async`: one worker thread per env. Default sync. */
  mode?: 'sync' | 'async';
  /** Default `next-step` (Gymnasium's default). See docs/gym.md#autoreset. */
  autoreset?: AutoresetMode;
}

/**
 * n copies of an env stepped together. Async workers make their env from the spec's id (a
 * built-in) or from `spec.source`, a module whose default export is the spec.
 *
 * @example
 * const vec = await makeVec('file-repair-v1', 4, { mode: 'async', autoreset: 'same-step' });
 * const { observations } = await vec.reset({ seed: 42 }); // seeds 42, 43, 44, 45
 */
export async function makeVec(idOrSpec: string | EnvSpec, n: number, options: MakeVecOptions = {}): Promise<VectorEnv> {
  if (!Number.isInteger(n) || n < 1) throw new GymError('GYM_SPEC_INVALID', `makeVec: n must be a positive integer, got ${String(n)}`);
  const { mode = 'sync', autoreset = 'next-step', ...envOptions } = options;
  if (!['next-step', 'same-step', 'disabled'].includes(autoreset)) {
    throw new GymError('GYM_SPEC_INVALID', `makeVec: autoreset must be 'next-step', 'same-step' or 'disabled', got ${JSON.stringify(autoreset)}`);
  }
  const spec = typeof idOrSpec === 'string' ? await registry.lookup(idOrSpec) : idOrSpec;
  const first = await makeUnwrapped(spec, envOptions);
  if (mode === 'sync') {
    const envs = [first, ...(await Promise.all(Array.from({ length: n - 1 }, () => makeUnwrapped(spec, envOptions))))];
    return new VectorEnv(envs, first.spec, first.actionSpace, first.observationSpace, autoreset, 'sync');
  }
  if (mode !== 'async') throw new GymError('GYM_SPEC_INVALID', `makeVec: mode must be 'sync' or 'async', got ${JSON.stringify(mode)}`);
  const source = spec.source && spec.source !== 'builtin' && /\.(m?js|ts)$/.test(spec.source) ? (isAbsolute(spec.source) ? spec.source : resolve(spec.source)) : undefined;
  const workers = Array.from({ length: n }, () => new WorkerEnv({ envId: spec.id, ...(source ? { source } : {}), options: envOptions }));
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (error) {
    await Promise.all(workers.map((w) => w.close()));
    throw error;
  }
  await first.close();
  return new VectorEnv(workers, first.spec, first.actionSpace, first.observationSpace, autoreset, 'async');
}
