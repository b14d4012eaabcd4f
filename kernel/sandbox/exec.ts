import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { ExecResult } from '../../sdk/types.js';
import type { ExecRequest, SandboxHandle } from './backend.js';

export type { ExecRequest } from './backend.js';

/** The EXEC result is a wire shape: it lives with the others in sdk/types.ts. */
export type { ExecResult } from '../../sdk/types.js';

/** Defaults and ceilings of an EXEC's optional fields. */
export const EXEC_DEFAULTS = {
  /** The whole process tree is killed when it expires. @default 30_000 ms */
  timeoutMs: 30_000,
  /** Largest timeout an EXEC may ask for. @default 3_600_000 ms (one hour) */
  maxTimeoutMs: 3600_000,
  /** Output kept per stream. @default 1 MiB */
  maxOutputBytes: 1024 * 1024,
  /** Largest output limit an EXEC may ask for. @default 16 MiB */
  maxMaxOutputBytes: 16 * 1024 * 1024,
} as const;

/** How to run something in an agent's sandbox: a launcher command line with the argv appended. */
export interface ExecLauncher {
  command: string | null;
  /** Launcher options (before `--`); computed when the exec starts (it may look up the agent's pid). */
  args(): Promise<string[]>;
  cwd: string;
  env: Record<string, string>;
}

class Collector {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part !== chunk) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.truncated ? `${text}\n[output truncated at ${this.limit} bytes]` : text;
  }
}

/** Runs one EXEC with a timeout, bounded output and the exit code; never throws for a failing command. */
export async function runExec(launcher: ExecLauncher, request: ExecRequest): Promise<ExecResult> {
  const argv = typeof request.command === 'string' ? ['/bin/sh', '-c', request.command] : request.command;
  if (argv.length === 0) throw new TypeError('exec: command must not be empty');
  const prefix = launcher.command ? [launcher.command, ...(await launcher.args()), '--'] : [];
  const [file, ...args] = [...prefix, ...argv] as [string, ...string[]];
  const timeoutMs = request.timeoutMs ?? EXEC_DEFAULTS.timeoutMs;
  const out = new Collector(request.maxOutputBytes ?? EXEC_DEFAULTS.maxOutputBytes);
  const err = new Collector(request.maxOutputBytes ?? EXEC_DEFAULTS.maxOutputBytes);
  const started = performance.now();
  const child = spawn(file, args, {
    cwd: request.cwd ?? launcher.cwd,
    env: { ...launcher.env, ...request.env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(request.stdin ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  return {
    exit_code: code,
    signal,
    stdout: out.text(),
    stderr: err.text(),
    stdout_truncated: out.truncated,
    stderr_truncated: err.truncated,
    timed_out: timedOut,
    duration_ms: Math.round(performance.now() - started),
  };
}

/** A process inside the agent's namespaces: a child of the launcher the kernel spawned. */
export async function namespaceMember(launcherPid: number): Promise<number | null> {
  const children = await readFile(`/proc/${launcherPid}/task/${launcherPid}/children`, 'utf8').catch(() => '');
  const first = Number(children.trim().split(/\s+/)[0]);
  return Number.isInteger(first) && first > 0 ? first : null;
}

/**
 * EXEC inside the caller's sandbox: same cgroup, namespaces, uid and no_new_privs as the agent.
 *
 * @example
 * const result = await execInSandbox(launch.handle, { command: 'ls -la', timeoutMs: 5000 });
 */
export function execInSandbox(handle: SandboxHandle, request: ExecRequest): Promise<ExecResult> {
  return handle.exec(request);
}
