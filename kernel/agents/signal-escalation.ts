import { signalGroup } from '../process-group.js';
import type { Agent } from './agent.js';

/** Signals that tell an agent something rather than stop it: never escalated to SIGKILL. */
export const NOTIFY_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set<NodeJS.Signals>(['SIGUSR1', 'SIGUSR2', 'SIGHUP']);

/** How long to wait for the exit after SIGKILL. @default 2000 ms */
export const KILL_WAIT_MS = 2000;

/** Sends a signal to the agent's process group; the cgroup also reaches processes that left the group. */
export function signalAgent(agent: Agent, signal: NodeJS.Signals): void {
  const pid = agent.process?.pid;
  if (!pid) return;
  signalGroup(pid, signal);
  // The cgroup reaches processes that left the group (setsid, daemonised children).
  if ((signal === 'SIGKILL' || signal === 'SIGTERM') && agent.sandbox) void agent.sandbox.killAll(signal).catch(() => {});
}

/** Sends `signal`, waits up to `graceMs` for the exit, then SIGKILL (SIGKILL itself is not waited on twice). */
export async function escalate(agent: Agent, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  signalAgent(agent, signal);
  if (signal === 'SIGKILL') {
    await agent.waitExit(KILL_WAIT_MS);
    return;
  }
  const exited = await agent.waitExit(graceMs);
  if (!exited) {
    signalAgent(agent, 'SIGKILL');
    await agent.waitExit(KILL_WAIT_MS);
  }
}
