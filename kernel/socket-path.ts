import { connect } from 'node:net';
import { existsSync, lstatSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export { defaultSocketPath } from '../sdk/socket-path.js';
import { CloveError } from '../sdk/errors.js';
import { KernelAlreadyRunningError } from './errors.js';
import { ownStartTime, processAlive } from './process-liveness.js';

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
    throw new SocketPathTakenError(path);
  }
  if (await probeSocket(path)) throw new KernelAlreadyRunningError(path);
  unlinkSync(path);
  return 'replaced-stale';
}

const claimedStateDirs = new Set<string>();

/**
 * One kernel per state directory: its operator token, audit log and pid file live there, and a
 * second kernel would overwrite the first one's token. Returns the release function.
 */
export function claimStateDir(stateDir: string, socketPath: string): () => void {
  const pidFile = join(stateDir, 'kernel.pid');
  if (claimedStateDirs.has(stateDir)) throw new StateDirInUseError(stateDir, process.pid, socketPath);
  if (existsSync(pidFile)) {
    // pid, socket, start time: a killed kernel (even a zombie not yet reaped) or a reused pid is not its holder.
    const [pidText, holder, startTime] = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(pidText);
    if (pid !== process.pid && processAlive(pid, startTime || undefined)) throw new StateDirInUseError(stateDir, pid, holder ?? '?');
  }
  writeFileSync(pidFile, `${process.pid}\n${socketPath}\n${ownStartTime()}\n`, { mode: 0o600 });
  claimedStateDirs.add(stateDir);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    claimedStateDirs.delete(stateDir);
    rmSync(pidFile, { force: true });
  };
}

/** A kernel is asked to start on a path that exists and is not a socket; the file is left alone. */
export class SocketPathTakenError extends CloveError {
  constructor(readonly socketPath: string) {
    super('KERNEL_SOCKET_PATH_TAKEN', `${socketPath} exists and is not a socket; refusing to replace it. Remove it or choose another --socket`, { socket: socketPath });
  }
}

/** Another live kernel holds the state directory (its pid file names it). */
export class StateDirInUseError extends CloveError {
  constructor(stateDir: string, pid: number, socketPath: string) {
    super(
      'KERNEL_ALREADY_RUNNING',
      `the state directory ${stateDir} is in use by the kernel with pid ${pid} (socket ${socketPath}); its operator token lives there. Give this kernel another socket directory, or stop that kernel first`,
      { state_dir: stateDir, pid, socket: socketPath },
    );
  }
}
