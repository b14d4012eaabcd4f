import { CloveError } from '../sdk/errors.js';
import type { Action, ToolFailure, ToolName, ToolResults, Tools } from './tools.js';

/** One tool call's outcome, as the adapters below need it. */
export type ToolOutcome = { ok: true; result: unknown } | { ok: false; error: ToolFailure };

/** The error a `Tools` method rejects with when the tool failed: `code` is the tool's. */
export class ToolCallError extends CloveError {
  constructor(tool: ToolName, failure: ToolFailure) {
    super(failure.code, `${tool}: ${failure.message}`, { tool });
  }
}

/** Builds the `Tools` interface over any way of performing one action. */
export function toolsFromCall(call: (action: Action) => Promise<ToolOutcome>, now: () => Promise<number>): Tools {
  async function run<K extends ToolName>(action: Action & { tool: K }): Promise<ToolResults[K]> {
    const outcome = await call(action);
    if (!outcome.ok) throw new ToolCallError(action.tool, outcome.error);
    return outcome.result as ToolResults[K];
  }
  return {
    readFile: async (path) => (await run({ tool: 'read_file', args: { path } })).content,
    writeFile: async (path, content) => {
      await run({ tool: 'write_file', args: { path, content } });
    },
    listDir: async (path) => (await run({ tool: 'list_dir', args: { path } })).entries,
    delete: async (path) => (await run({ tool: 'delete', args: { path } })).deleted,
    exec: (command, args, options) =>
      run({
        tool: 'exec',
        args: { command, ...(args ? { args } : {}), ...(options?.cwd ? { cwd: options.cwd } : {}), ...(options?.timeoutMs ? { timeout_ms: options.timeoutMs } : {}) },
      }),
    http: (url, init) =>
      run({
        tool: 'http',
        args: { url, ...(init?.method ? { method: init.method } : {}), ...(init?.headers ? { headers: init.headers } : {}), ...(init?.body !== undefined ? { body: init.body } : {}) },
      }),
    sleep: async (ms) => {
      await run({ tool: 'sleep', args: { ms } });
    },
    think: async (prompt, options) => (await run({ tool: 'think', args: { prompt, ...(options?.system ? { system: options.system } : {}) } })).content,
    send: async (to, message) => {
      await run({ tool: 'send', args: { to, message } });
    },
    recv: (options) => run({ tool: 'recv', args: options?.timeoutMs !== undefined ? { timeout_ms: options.timeoutMs } : {} }),
    submit: async (answer) => {
      await run({ tool: 'submit', args: answer === undefined ? {} : { answer } });
    },
    now,
  };
}
