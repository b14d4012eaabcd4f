import type { Command } from 'commander';
import { withClient } from '../connection.js';
import { formatBytes, paint, printJson } from '../output.js';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description('show whether the kernel runs, its agents, and the machine it runs on')
    .option('--socket <path>', 'kernel socket path')
    .option('--json', 'print the status as JSON')
    .action(async (options: { socket?: string; json?: boolean }) => {
      const { status, system } = await withClient(options, async (c) => ({ status: await c.status(), system: await c.systemMetrics() }));
      if (options.json) return printJson({ ...status, system });
      const lines = [
        `${paint('green', 'running')}  clove kernel ${status.version} (protocol ${status.protocol}), pid ${status.pid}, up ${status.uptime_s}s`,
        `socket   ${status.socket}`,
        `agents   ${status.agents.running} running, ${status.agents.total} known; ${status.connections} connections`,
        `machine  cpu ${system.cpu.percent}% of ${system.cpu.count} cores, load ${system.cpu.load_avg.join(' ')}; memory ${formatBytes(system.memory.used)} / ${formatBytes(system.memory.total)}`,
        `kernel   rss ${formatBytes(system.kernel.rss)}`,
      ];
      if (Object.keys(status.sandbox).length > 0) lines.push(`sandbox  ${JSON.stringify(status.sandbox)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
