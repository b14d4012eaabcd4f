import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { scriptRuntime } from '../script-runtime.js';
import { nodeHooksImport } from './node-hooks.js';

export interface Invocation {
  command: string;
  args: string[];
  /** The interpreter that runs the script, or null when the script is executed directly. */
  interpreter: string | null;
}

export { AGENT_RUNNERS } from '../script-runtime.js';

let pythonCache: string | undefined;

/**
 * The real path of python3. The first python3 on PATH may be a shim (pyenv) that another uid
 * cannot execute and that costs tens of milliseconds per start, so ask the interpreter itself.
 */
export function resolvePython(preferred?: string): string {
  if (preferred) return preferred;
  if (pythonCache) return pythonCache;
  try {
    pythonCache = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    pythonCache = 'python3';
  }
  return pythonCache || 'python3';
}

function tsxLoader(): string {
  const require = createRequire(import.meta.url);
  // tsx's package entry is the loader that `node --import tsx` uses; passing it by URL makes
  // --import independent of the agent's working directory.
  return pathToFileURL(require.resolve('tsx')).href;
}

let tsxCache: string | undefined;

/**
 * How to run an agent script: `.py` with python3, `.js`/`.mjs`/`.cjs` with node, `.ts`/`.mts` with
 * node + tsx. Node agents get the hooks of {@link nodeHooksImport}: `clove/sdk` resolves wherever the
 * script lives, and a `.ts` script runs as an ES module.
 */
export function invocationFor(script: string, args: string[], python?: string): Invocation {
  switch (scriptRuntime(script)) {
    case 'python': {
      const interpreter = resolvePython(python);
      return { command: interpreter, args: ['-u', script, ...args], interpreter };
    }
    case 'node':
      return { command: process.execPath, args: ['--import', nodeHooksImport(), script, ...args], interpreter: process.execPath };
    case 'tsx': {
      tsxCache ??= tsxLoader();
      // tsx first: its hooks then run after ours, so ours can mark a .ts file as an ES module.
      return { command: process.execPath, args: ['--import', tsxCache, '--import', nodeHooksImport(), script, ...args], interpreter: process.execPath };
    }
    case null:
      return { command: script, args, interpreter: null };
  }
}
