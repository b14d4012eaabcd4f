import { extname } from 'node:path';

/**
 * Which runtime runs an agent script, decided by its extension, in one place: the spawner builds
 * the command line from it, the sandbox looks for a reachable interpreter by it, and the script
 * check accepts a non-executable file only when it has one.
 */
export type ScriptRuntime = 'python' | 'node' | 'tsx';

const BY_EXTENSION: Readonly<Record<string, ScriptRuntime>> = {
  '.py': 'python',
  '.js': 'node',
  '.mjs': 'node',
  '.cjs': 'node',
  // TypeScript agents run with node and the tsx loader.
  '.ts': 'tsx',
  '.mts': 'tsx',
};

/** The extensions a runtime is known for (`.py, .js, .mjs, .cjs, .ts, .mts`). */
export const SCRIPT_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION);

/** Program names that provide each runtime, most specific first. */
export const RUNTIME_PROGRAMS: Readonly<Record<ScriptRuntime, readonly string[]>> = {
  python: ['python3', 'python'],
  node: ['node'],
  tsx: ['node'],
};

/** Which program runs an agent script, in the words the CLI help, README and docs/protocol.md share. */
export const AGENT_RUNNERS = '.py runs with python3, .js/.mjs/.cjs with node, .ts/.mts with node + tsx, anything else is executed';

/** The runtime of a script, or null when it is executed directly. */
export function scriptRuntime(script: string): ScriptRuntime | null {
  return BY_EXTENSION[extname(script)] ?? null;
}
