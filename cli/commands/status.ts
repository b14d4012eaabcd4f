import type { Command } from 'commander';
import { withClient } from '../connection.js';
import { formatBytes, paint, printRecord } from '../output.js';

/** `namespaces (pid, net, ...), cgroup v1 (memory, cpu, ...)` from the kernel's sandbox probe. */
function describeSandbox(probe: Record<string, unknown>): string {
  const namespaces = Object.entries((probe.namespaces as Record<string, boolean> | undefined) ?? {})
    .filter(([, on]) => on)
    .map(([name]) => name);
  const cgroup = probe.cgroup as { version: string; controllers: string[] } | null | undefined;
  return [
    `${String(probe.backend ?? 'none')}${namespaces.length ? ` (${namespaces.join(', ')})` : ''}`,
    cgroup ? `cgroup ${cgroup.version} (${cgroup.controllers.join(', ')})` : 'no cgroups',
  ].join(', ');
}

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description('show whether the kernel runs, its agents, and the machine it runs on')
    .option('--socket <path>', 'kernel socket path')
    .option('--json', 'print the status as JSON')
    .action(async (options: { socket?: string; json?: boolean }) => {
      const { status, system } = await withClient(options, async (c) => ({ status: await c.status(), system: await c.systemMetrics() }));
      if (options.json) return printRecord({ ...status, system });
      const lines = [
        `${paint('green', 'running')}  clove kernel ${status.version} (protocol ${status.protocol}), pid ${status.pid}, up ${status.uptimeS}s`,
        `socket   ${status.socket}`,
        `agents   ${status.agents.running} running, ${status.agents.total} known; ${status.connections} connections`,
        `machine  cpu ${system.cpu.percent}% of ${system.cpu.count} cores, load ${system.cpu.loadAvg.join(' ')}; memory ${formatBytes(system.memory.used)} / ${formatBytes(system.memory.total)}`,
        `kernel   rss ${formatBytes(system.kernel.rss)}`,
      ];
      lines.push(`sandbox  ${describeSandbox(status.sandbox)}`);
      for (const note of (status.sandbox.notes as string[] | undefined) ?? []) lines.push(`         ${paint('yellow', note)}`);
      lines.push(`llm      ${status.llm.provider}: ${status.llm.calls} calls, ${status.llm.tokens} tokens, ${status.llm.queued} queued`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
