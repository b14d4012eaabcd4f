import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import type { Agent } from './agent.js';
import type { Launch } from './launch.js';

/** What the spawner tells the rest of the kernel about a process it started. */
export interface SpawnHooks {
  /** Serves the agent's pre-authenticated channel (fd 3). */
  attachChannel(agent: Agent, socket: Socket): void;
  /** The process exited (its pid, to tell this run from a later one). */
  onExit(agent: Agent, pid: number, code: number | null, signal: NodeJS.Signals | null): void;
}

/**
 * Starts the agent's process from a launch: its own process group when `detached` (so signals
 * reach everything it started), stdout/stderr into its log, fd 3 as its channel; `attach` (the
 * sandbox's) runs once the pid is known.
 */
export async function spawnProcess(agent: Agent, launch: Launch, options: { detached: boolean; attach: ((pid: number) => Promise<void>) | null }, hooks: SpawnHooks): Promise<void> {
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: options.detached,
  });
  await new Promise<void>((resolveSpawn, reject) => {
    child.once('spawn', resolveSpawn);
    child.once('error', (error: NodeJS.ErrnoException) => {
      agent.record.error = error.message;
      void agent.sandbox?.destroy();
      agent.sandbox = null;
      reject(new KernelError(ErrorCode.AGENT_SPAWN_FAILED, `could not start ${launch.command} for agent '${agent.name}': ${error.code ?? error.message}`, { errno: error.code }));
    });
  });
  agent.started(child);
  child.stdout!.on('data', (chunk: Buffer) => agent.logs.write('stdout', chunk));
  child.stderr!.on('data', (chunk: Buffer) => agent.logs.write('stderr', chunk));
  child.once('exit', (code, signal) => hooks.onExit(agent, child.pid!, code, signal));
  child.once('close', () => agent.logs.end());
  const channel = child.stdio[3] as Socket | null;
  if (channel) hooks.attachChannel(agent, channel);
  if (options.attach && child.pid) await options.attach(child.pid);
}

/** How long to wait for the launcher's last stderr line after it exits. @default 200 ms */
const SETUP_ERROR_WAIT_MS = 200;

/** The launcher's own error line when the sandbox could not be set up (exit code 125). */
export async function setupFailure(agent: Agent): Promise<string | null> {
  const child = agent.process;
  if (child && child.exitCode !== null && child.stderr && !child.stderr.readableEnded) {
    await Promise.race([new Promise((r) => child.once('close', r)), new Promise((r) => setTimeout(r, SETUP_ERROR_WAIT_MS))]);
  }
  const line = agent.logs.tail(20).reverse().find((l) => l.stream === 'stderr' && l.text.startsWith('clove-sandbox:'));
  return line ? `sandbox setup failed: ${line.text.replace(/^clove-sandbox:\s*/, '')}` : null;
}
