import { spawn } from 'node:child_process';
import type { PreparedLaunch, SandboxBackend, SandboxSpec } from '../../kernel/sandbox/index.js';

export const isRoot = process.getuid?.() === 0;

let nextId = 1000;

export function spec(overrides: Partial<SandboxSpec> & Pick<SandboxSpec, 'command' | 'args'>): SandboxSpec {
  nextId += 1;
  return {
    agentId: nextId,
    name: `agent${nextId}`,
    cwd: '/',
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    sandboxed: true,
    network: false,
    limits: {},
    readablePaths: [],
    writablePaths: [],
    ...overrides,
  };
}

export interface Running {
  launch: PreparedLaunch;
  pid: number;
  output(): string;
  stderr(): string;
  /** Resolves when some stdout text matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Prepares and spawns one agent the way the kernel does. */
export async function start(backend: SandboxBackend, s: SandboxSpec): Promise<Running> {
  const launch = await backend.prepare(s);
  const child = spawn(launch.command, launch.args, {
    env: launch.env,
    cwd: launch.cwd,
    detached: launch.detached,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  await launch.attach(child.pid!);
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    launch,
    pid: child.pid!,
    output: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        const check = (): void => {
          const match = pattern.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** Runs an agent to completion. */
export async function run(backend: SandboxBackend, s: SandboxSpec) {
  const running = await start(backend, s);
  const exit = await running.exited;
  await running.launch.handle.destroy();
  return { ...exit, stdout: running.output(), stderr: running.stderr(), isolation: running.launch.isolation };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
