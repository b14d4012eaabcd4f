import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResetOptions, ResetResult, StepResult } from '../env.js';
import { GymError, InvalidActionError } from '../errors.js';
import type { CloveErrorCode } from '../../sdk/protocol/error-codes.js';
import type { Action } from '../tools.js';
import type { SubEnv } from './vector-env.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './worker-protocol.js';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };

/** An env in a worker thread: each call is one message there and one back. */
export class WorkerEnv implements SubEnv {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  readonly ready: Promise<void>;
  #failed: Error | null = null;

  constructor(data: WorkerData) {
    // From the TypeScript sources (tests, tsx) the worker loads itself through tsx's tsImport.
    const ts = import.meta.url.endsWith('.ts');
    const url = new URL(ts ? './worker.ts' : './worker.js', import.meta.url);
    if (ts) {
      const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
      const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}))`;
      this.#worker = new Worker(boot, { eval: true, workerData: data });
    } else this.#worker = new Worker(fileURLToPath(url), { workerData: data });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerReply) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'error' && message.id === null) reject(new GymError(relayed(message.code), message.message));
        else this.#answer(message);
      };
      this.#worker.on('message', onMessage);
      this.#worker.on('error', (error) => {
        this.#failed = error;
        reject(error);
        for (const p of this.#pending.values()) p.reject(error);
        this.#pending.clear();
      });
      this.#worker.on('exit', (code) => {
        const error = new GymError('GYM_WORKER_EXITED', `the vector env worker exited (code ${code})`);
        for (const p of this.#pending.values()) p.reject(error);
        this.#pending.clear();
      });
    });
  }

  async reset(options?: ResetOptions): Promise<ResetResult> {
    const reply = await this.#call({ type: 'reset', id: 0, ...(options ? { options } : {}) });
    if (reply.type !== 'reset-result') throw new GymError('GYM_WORKER_PROTOCOL', `expected reset-result, got ${reply.type}`);
    return reply.result;
  }

  async step(action: Action): Promise<StepResult> {
    const reply = await this.#call({ type: 'step', id: 0, action });
    if (reply.type !== 'step-result') throw new GymError('GYM_WORKER_PROTOCOL', `expected step-result, got ${reply.type}`);
    return reply.result;
  }

  async close(): Promise<void> {
    if (this.#failed) return;
    try {
      await this.#call({ type: 'close', id: 0 });
    } catch {
      // Already gone.
    }
    await this.#worker.terminate();
  }

  async #call(request: WorkerRequest): Promise<WorkerReply> {
    await this.ready;
    if (this.#failed) throw this.#failed;
    const id = this.#next++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
    if (reply.type === 'error') {
      if (reply.code === 'GYM_ACTION_INVALID' && reply.field !== undefined) {
        const error = new InvalidActionError(reply.field, reply.expected ?? '', undefined);
        error.message = reply.message;
        throw error;
      }
      throw new GymError(relayed(reply.code), reply.message);
    }
    return reply;
  }

  #answer(message: WorkerReply): void {
    if (!('id' in message) || message.id === null) return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    pending.resolve(message);
  }
}

/**
 * The code of an error thrown in the worker, relayed as it is: a registered code (the worker's
 * errors are Clove errors, or `GYM_WORKER_FAILED`), or the errno of a Node error underneath.
 */
function relayed(code: string): CloveErrorCode {
  return code as CloveErrorCode;
}
