import type { Agent } from './agents/agent.js';
import type { AgentTable } from './agents/agent-table.js';

/** Fraction of a limit at which a warning is raised, and below which it re-arms. */
const HIGH = 0.9;
const LOW = 0.8;

export type ResourceWarning =
  | { resource: 'memory' | 'pids'; agent: number; name: string; current: number; limit: number; ratio: number }
  | { resource: 'mailbox'; agent: number; name: string; current: number; limit: number; ratio: number }
  | { resource: 'logs'; agent: number; name: string; dropped: number }
  /** A kernel quota (store_bytes, mailbox_bytes, world_bytes, ...): `agent` null for a world's or the kernel's own. */
  | { resource: string; quota: true; agent: number | null; name: string | null; world?: string; scope?: string; current: number; limit: number; ratio: number };

/**
 * Watches agents for resources running out — cgroup memory and pids near their limits, a
 * mailbox filling up, log lines being dropped — and reports each crossing once (it re-arms when
 * usage falls back), so subscribers can react before the OOM killer or a full mailbox does.
 */
export class ResourceMonitor {
  private readonly raised = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly agents: AgentTable,
    private readonly warn: (warning: ResourceWarning) => void,
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Called on every delivery: mailboxes fill between sweeps. */
  mailbox(agent: Agent, length: number, capacity: number): void {
    this.level(agent, 'mailbox', length, capacity);
  }

  async sweep(): Promise<void> {
    for (const agent of this.agents.all()) {
      if (agent.logs.droppedLines > 0 && !this.raised.has(`${agent.id}:logs`)) {
        this.raised.add(`${agent.id}:logs`);
        this.warn({ resource: 'logs', agent: agent.id, name: agent.name, dropped: agent.logs.droppedLines });
      }
      const stats = agent.sandbox ? await agent.sandbox.stats().catch(() => null) : null;
      if (!stats) continue;
      if (stats.memory.max) this.level(agent, 'memory', stats.memory.current, stats.memory.max);
      if (stats.pids.max) this.level(agent, 'pids', stats.pids.current, stats.pids.max);
    }
  }

  /**
   * A quota's use after a change: RESOURCE_WARNING once it reaches 90%, re-armed below 80%.
   * `key` tells apart what the quota applies to (a namespace, a world).
   */
  quota(resource: string, key: string, subject: { agent?: Agent | null; world?: string; scope?: string }, current: number, limit: number): void {
    const id = `quota:${resource}:${key}`;
    const ratio = limit > 0 ? current / limit : 0;
    if (ratio >= HIGH && !this.raised.has(id)) {
      this.raised.add(id);
      this.warn({
        resource,
        quota: true,
        agent: subject.agent?.id ?? null,
        name: subject.agent?.name ?? null,
        ...(subject.world ? { world: subject.world } : {}),
        ...(subject.scope ? { scope: subject.scope } : {}),
        current,
        limit,
        ratio: Math.round(ratio * 1000) / 1000,
      });
    } else if (ratio < LOW) {
      this.raised.delete(id);
    }
  }

  forget(agent: Agent): void {
    for (const key of [...this.raised]) if (key.startsWith(`${agent.id}:`)) this.raised.delete(key);
  }

  private level(agent: Agent, resource: 'memory' | 'pids' | 'mailbox', current: number, limit: number): void {
    const key = `${agent.id}:${resource}`;
    const ratio = current / limit;
    if (ratio >= HIGH && !this.raised.has(key)) {
      this.raised.add(key);
      this.warn({ resource, agent: agent.id, name: agent.name, current, limit, ratio: Math.round(ratio * 1000) / 1000 } as ResourceWarning);
    } else if (ratio < LOW) {
      this.raised.delete(key);
    }
  }
}
