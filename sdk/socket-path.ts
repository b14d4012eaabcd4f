import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `CLOVE_SOCKET`, else `$XDG_RUNTIME_DIR/clove/kernel.sock`, else `/tmp/clove-<uid>/kernel.sock`. */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLOVE_SOCKET) return env.CLOVE_SOCKET;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'clove', 'kernel.sock');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join('/tmp', `clove-${uid}`, 'kernel.sock');
}

/** True for a directory other users may write to (world-writable, like /tmp): no place for a kernel's state. */
export function isSharedDirectory(dir: string): boolean {
  try {
    const stat = statSync(dir);
    return (stat.mode & 0o002) !== 0 || (stat.mode & 0o1000) !== 0;
  } catch {
    return false;
  }
}

/**
 * Where a kernel on `socketPath` keeps its operator token, pid and audit log: the socket's
 * directory, unless that is shared with other users (`/tmp/x.sock`); then the private
 * `<socket>.state` directory beside the socket.
 */
export function stateDirFor(socketPath: string): string {
  const full = resolve(socketPath);
  const dir = dirname(full);
  return isSharedDirectory(dir) ? `${full}.state` : dir;
}
