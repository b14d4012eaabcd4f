import type { Agent } from './agent.js';
import { decideRestart, resolveRestartPolicy } from './supervisor.js';

type EndState = 'exited' | 'killed' | 'failed';

/** What restarting needs from the agent table. */
export interface RestartHooks {
  /** Starts the agent's process again from its recorded request. */
  start(agent: Agent): Promise<void>;
  /** Its token works again while it restarts. */
  rearm(agent: Agent): void;
  markEnded(agent: Agent, state: EndState): void;
  publish(type: 'AGENT_RESTARTED' | 'AGENT_GAVE_UP' | 'AGENT_EXITED', agent: Agent, data: Record<string, unknown>): void;
}

/** Applies an agent's restart policy after each exit: schedules the restart, or gives up and says so. */
export class Restarts {
  constructor(private readonly hooks: RestartHooks) {}

  /**
   * After an exit (its end_reason already recorded): true when a restart is scheduled (the agent
   * stays `restarting`), false when it ends now.
   */
  afterExit(agent: Agent, ended: EndState, shuttingDown: boolean): boolean {
    const r = agent.record;
    const now = Date.now();
    const decision = decideRestart(resolveRestartPolicy(agent.request.restart), agent.restartHistory, {
      exitCode: r.exit_code,
      requested: agent.killRequested,
      shuttingDown,
      ranMs: now - agent.runStartedAt,
      now,
    });
    if (decision.action === 'restart') {
      r.state = 'restarting';
      agent.logs.end();
      this.hooks.publish('AGENT_EXITED', agent, { id: agent.id, name: agent.name, state: ended, exit_code: r.exit_code, signal: r.signal, oom_killed: r.oom_killed, reason: r.end_reason, restarting_in_ms: decision.delayMs });
      agent.restartTimer = setTimeout(() => void this.restart(agent), decision.delayMs);
      return true;
    }
    if (decision.action === 'give-up') {
      r.end_reason = `gave up after ${decision.restarts} restarts within ${decision.windowMs} ms (last: ${r.end_reason})`;
      this.hooks.publish('AGENT_GAVE_UP', agent, { id: agent.id, name: agent.name, restarts: r.restarts, reason: `${decision.restarts} restarts within ${decision.windowMs} ms` });
    }
    return false;
  }

  cancel(agent: Agent): void {
    if (agent.restartTimer) clearTimeout(agent.restartTimer);
    agent.restartTimer = null;
  }

  private async restart(agent: Agent): Promise<void> {
    agent.restartTimer = null;
    if (agent.record.state !== 'restarting') return;
    this.hooks.rearm(agent);
    try {
      agent.record.restarts++;
      await this.hooks.start(agent);
      this.hooks.publish('AGENT_RESTARTED', agent, { id: agent.id, name: agent.name, pid: agent.record.pid, restarts: agent.record.restarts });
    } catch (error) {
      agent.record.error = (error as Error).message;
      this.hooks.markEnded(agent, 'failed');
    }
  }
}

/** The end_reason of a process that ended (see AgentRecord.end_reason). */
export function endReason(agent: Agent, setupFailed: boolean): string {
  const { exit_code: code, signal } = agent.record;
  if (setupFailed) return 'sandbox setup failed';
  if (agent.record.oom_killed) return 'oom';
  if (agent.killRequested && agent.stopReason) return agent.stopReason;
  if (signal !== null) return `signal ${signal}`;
  return `exit ${code ?? 0}`;
}
