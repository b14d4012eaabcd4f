import { delimiter, join } from 'node:path';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { RUNTIME_PROGRAMS, scriptRuntime } from '../script-runtime.js';
import { SANDBOX_DEFAULTS } from './defaults.js';
import { isShim, unreachableReason } from './mounts.js';

export interface InterpreterOptions {
  /** Search path; default `process.env.PATH`. */
  path?: string;
  /** Prefer an interpreter this uid can execute on the host (default 65534); others are still returned last. */
  uid?: number;
  gid?: number;
}

/**
 * Finds a real interpreter for a script (by extension) or a program name, skipping version-manager
 * shims (a pyenv shim under /root cannot run as an unprivileged uid) and preferring one the agent's
 * uid can execute. Returns null when there is none.
 *
 * @example
 * resolveInterpreter('agent.py') // '/usr/bin/python3.11' here, not /root/.pyenv/shims/python3
 */
export function resolveInterpreter(scriptOrName: string, options: InterpreterOptions = {}): string | null {
  const runtime = scriptRuntime(scriptOrName);
  const names = runtime ? RUNTIME_PROGRAMS[runtime] : [scriptOrName];
  const uid = options.uid ?? SANDBOX_DEFAULTS.agentUid;
  const gid = options.gid ?? uid;
  const fallback: string[] = [];
  for (const name of names) {
    for (const dir of (options.path ?? process.env['PATH'] ?? '').split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        if (!statSync(candidate).isFile() || isShim(candidate)) continue;
        const real = realpathSync(candidate);
        if (unreachableReason(real, 'x', uid, gid, null) === null) return real;
        fallback.push(real);
      } catch {
        // Not in this directory.
      }
    }
  }
  return fallback[0] ?? null;
}
