import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { SpawnRequest } from '../../sdk/types.js';
import { KernelError } from '../errors.js';
import { scriptRuntime, SCRIPT_EXTENSIONS } from '../script-runtime.js';

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** The script's absolute path: relative ones start at the request's working directory. */
export function resolveScript(request: SpawnRequest): string {
  return resolve(request.cwd ?? process.cwd(), request.script);
}

/** The script a SPAWN names, checked: a regular file, with a known runtime or executable. Returns its absolute path. */
export function checkScript(request: SpawnRequest): string {
  const script = resolveScript(request);
  let isFile = false;
  try {
    isFile = statSync(script).isFile();
  } catch {
    throw new KernelError(ErrorCode.AGENT_SPAWN_FAILED, `SPAWN: script not found: ${script}`, { script });
  }
  if (!isFile) throw new KernelError(ErrorCode.AGENT_SPAWN_FAILED, `SPAWN: ${script} is not a regular file`, { script });
  if (scriptRuntime(script) === null) {
    try {
      accessSync(script, constants.X_OK);
    } catch {
      throw new KernelError(
        ErrorCode.AGENT_SPAWN_FAILED,
        `SPAWN: ${script} is not executable and has no known extension (${SCRIPT_EXTENSIONS.join(', ')}); chmod +x it or rename it`,
        { script },
      );
    }
  }
  return script;
}

/** Agent names: 1-64 letters, digits, '.', '_' or '-', starting with a letter. */
export function checkAgentName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new KernelError(ErrorCode.BAD_REQUEST, `SPAWN: agent name '${name}' is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter`);
  }
}
