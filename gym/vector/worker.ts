/** Entry of an async vector env's worker thread: hosts one env and answers WorkerRequests. */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { GymError, InvalidActionError, toError } from '../errors.js';
import { makeUnwrapped } from '../make.js';
import type { EnvSpec } from '../registry.js';
import { registry } from '../registry.js';
import '../builtins.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './worker-protocol.js';

const data = workerData as WorkerData;
const port = parentPort!;

async function specFrom(source: string, id: string): Promise<EnvSpec> {
  const mod = (await import(pathToFileURL(source).href)) as { default?: EnvSpec | EnvSpec[] };
  const list = Array.isArray(mod.default) ? mod.default : mod.default ? [mod.default] : [];
  const spec = list.find((s) => s.id === id);
  if (!spec) throw new GymError('GYM_ENV_NOT_FOUND', `${source} exports no EnvSpec with id '${id}'`);
  return spec;
}

const env = await makeUnwrapped(data.source ? await specFrom(data.source, data.envId) : await registry.lookup(data.envId), data.options);
const reply = (message: WorkerReply): void => port.postMessage(message);
reply({ type: 'ready' });

port.on('message', (request: WorkerRequest) => {
  void (async () => {
    try {
      switch (request.type) {
        case 'reset':
          reply({ type: 'reset-result', id: request.id, result: await env.reset(request.options) });
          break;
        case 'step':
          reply({ type: 'step-result', id: request.id, result: await env.step(request.action) });
          break;
        case 'close':
          await env.close();
          reply({ type: 'closed', id: request.id });
          port.close();
          break;
      }
    } catch (error) {
      const e = toError(error) as Error & { code?: string };
      reply({
        type: 'error',
        id: request.id,
        code: e.code ?? 'GYM_WORKER_FAILED',
        message: e.message,
        ...(error instanceof InvalidActionError ? { field: error.field, expected: error.expected } : {}),
      });
    }
  })();
});
