import { join } from 'node:path';

/** `CLOVE_SOCKET`, else `$XDG_RUNTIME_DIR/clove/kernel.sock`, else `/tmp/clove-<uid>/kernel.sock`. */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLOVE_SOCKET) return env.CLOVE_SOCKET;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'clove', 'kernel.sock');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join('/tmp', `clove-${uid}`, 'kernel.sock');
}
