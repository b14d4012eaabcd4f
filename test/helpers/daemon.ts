import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A kernel in its own process, as `clove kernel start` runs it (test/fixtures/sandbox/kernel-daemon.ts). */
export interface KernelDaemon {
  child: ChildProcess;
  pid: number;
  stderr(): string;
}

const DAEMON = join(import.meta.dirname, '..', 'fixtures', 'sandbox', 'kernel-daemon.ts');

/**
 * Starts a kernel daemon on `socketPath` and resolves once it listens. `cgroupParent` puts its
 * agents' cgroups under a parent of their own: a kernel starting meanwhile in another test file
 * then does not remove them as a dead kernel's leftovers. Daemons still running when the file's
 * tests end are killed with SIGKILL.
 */
export async function startKernelDaemon(socketPath: string, options: { cgroupParent?: string; timeoutMs?: number } = {}): Promise<KernelDaemon> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, ['--import', 'tsx', DAEMON, socketPath, ...(options.cgroupParent ? [options.cgroupParent] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kernel daemon did not start within ${timeoutMs / 1000} s; stderr:\n${err}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /ready (\d+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`kernel daemon exited (${code ?? signal}); stderr:\n${err}`)));
  });
  return { child, pid, stderr: () => err };
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
