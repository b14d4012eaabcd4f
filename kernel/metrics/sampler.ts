import type { ProcessMetrics, SystemMetrics } from '../../sdk/types.js';
import type { Agent } from '../agents/agent.js';
import {
  CLOCK_TICKS,
  countFds,
  cpuPercent,
  loadAverage,
  processTree,
  readCpuTimes,
  readDisk,
  readMemory,
  readNetwork,
  readProcStat,
  round,
  systemCpuCount,
  type CpuTimes,
} from './proc.js';

/**
 * CPU percentages are rates, so the sampler keeps the previous reading: a figure covers the
 * interval since the last call (or since the kernel started, for the first).
 */
export class MetricsSampler {
  private lastCpu: CpuTimes[] = readCpuTimes();
  private readonly lastProc = new Map<number, { ticks: number; at: number }>();

  constructor(
    private readonly diskPath: string,
    private readonly kernelInfo: () => { agents: number; connections: number },
  ) {}

  system(): SystemMetrics {
    const now = readCpuTimes();
    const before = this.lastCpu;
    this.lastCpu = now;
    const perCore = now.slice(1).map((t, i) => cpuPercent(before[i + 1], t));
    const info = this.kernelInfo();
    return {
      time: Date.now(),
      cpu: { percent: cpuPercent(before[0], now[0]), per_core: perCore, count: systemCpuCount(), load_avg: loadAverage() },
      memory: readMemory(),
      disk: readDisk(this.diskPath),
      network: readNetwork(),
      kernel: {
        pid: process.pid,
        rss: process.memoryUsage.rss(),
        uptime_s: round(process.uptime()),
        agents: info.agents,
        connections: info.connections,
      },
    };
  }

  /** Sums over the agent's whole process tree, since a sandbox wraps the agent in helper processes. */
  agent(agent: Agent): Omit<ProcessMetrics, 'llm'> {
    const base: Omit<ProcessMetrics, 'llm'> = {
      agent_id: agent.id,
      name: agent.name,
      pid: agent.record.pid,
      state: agent.record.state,
      cpu_percent: 0,
      cpu_time_s: 0,
      rss: 0,
      vms: 0,
      threads: 0,
      open_fds: 0,
    };
    const pid = agent.process?.pid;
    if (!pid || !agent.alive) return base;
    let ticks = 0;
    for (const p of processTree(pid)) {
      const stat = readProcStat(p);
      if (!stat) continue;
      ticks += stat.ticks;
      base.rss += stat.rss;
      base.vms += stat.vms;
      base.threads += stat.threads;
      base.open_fds += countFds(p);
    }
    const at = performance.now();
    const prev = this.lastProc.get(pid) ?? { ticks: 0, at: at - (Date.now() - agent.record.started_at) };
    this.lastProc.set(pid, { ticks, at });
    const seconds = (at - prev.at) / 1000;
    base.cpu_time_s = round(ticks / CLOCK_TICKS);
    base.cpu_percent = seconds > 0 ? round((100 * (ticks - prev.ticks)) / CLOCK_TICKS / seconds) : 0;
    return base;
  }

  forget(pid: number | null): void {
    if (pid) this.lastProc.delete(pid);
  }
}
