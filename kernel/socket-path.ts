import { connect } from 'node:net';
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
export { defaultSocketPath } from '../sdk/socket-path.js';
import { KernelAlreadyRunningError } from './errors.js';

/** Whether something accepts connections on the socket path right now. */
export function probeSocket(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(timeoutMs, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Makes the path free for a new kernel: a socket left by a dead kernel is removed, a live
 * kernel's socket is never touched, and a non-socket file is refused.
 */
export async function claimSocketPath(path: string): Promise<'fresh' | 'replaced-stale'> {
  if (!existsSync(path)) return 'fresh';
  const stat = lstatSync(path);
  if (!stat.isSocket()) {
    throw new Error(`${path} exists and is not a socket; refusing to replace it. Remove it or choose another --socket`);
  }
  if (await probeSocket(path)) throw new KernelAlreadyRunningError(path);
  unlinkSync(path);
  return 'replaced-stale';
}
