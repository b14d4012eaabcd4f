import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { readAudit, type AuditRecord } from '../../kernel/audit/index.js';
import { parseAgentRef } from '../../sdk/agent-ref.js';
import { socketPathOf, withClient } from '../connection.js';
import { CliError, ExitCode, paint } from '../output.js';

interface AuditOptions {
  socket?: string;
  file?: string;
  agent?: string;
  run?: string;
  follow?: boolean;
  json?: boolean;
}

const HEADERS = ['TIME', 'CALLER', 'OPCODE', 'DECISION', 'RULE', 'DURATION', 'ERROR'];
// Widths for --follow, where rows are printed before the widest cell is known; longer cells just push the line.
const FOLLOW_WIDTHS = [23, 18, 14, 8, 22, 9, 0];

function callerOf(r: AuditRecord): string {
  if (r.caller.role === 'agent') return `${r.caller.agent_name ?? '?'}#${r.caller.agent_id ?? '?'}`;
  return r.caller.role;
}

/** Local time with milliseconds: `2025-01-31 14:03:07.123`. */
function timeOf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function cellsOf(r: AuditRecord): string[] {
  return [timeOf(r.time), callerOf(r), r.opcode, r.decision, r.rule ?? '-', `${r.duration_ms.toFixed(2)}ms`, r.error ?? '-'];
}

function line(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
}

function paintRow(text: string, r: AuditRecord): string {
  return r.decision === 'denied' ? paint('red', text) : text;
}

/** The audit log `clove audit` reads: `--file`, else `audit.log` beside the kernel socket. */
export function auditPathOf(options: AuditOptions): string {
  return options.file ?? join(dirname(socketPathOf(options)), 'audit.log');
}

/** The run `clove audit` shows by default: the kernel answering at the socket, else the log's last run. */
async function currentRun(options: AuditOptions, path: string): Promise<string | undefined> {
  if (options.file === undefined) {
    const status = await withClient(options, (c) => c.status()).catch(() => undefined);
    if (status?.runId) return status.runId;
  }
  let last: string | undefined;
  for await (const r of readAudit(path)) last = r.run ?? last;
  return last;
}

export function auditCommand(program: Command): void {
  program
    .command('audit')
    .description("print the kernel's audit log: every syscall with its caller, decision, the rule that denied it, and duration")
    .option('--socket <path>', 'kernel socket path; the log is audit.log beside it')
    .option('--file <path>', 'read this audit log instead')
    .option('--agent <agent>', 'only calls made by this agent (name or id)')
    .option('--run <id>', "only this kernel run's calls: a run id, or 'all' (default: the running kernel's run, else the last run in the log)")
    .option('-f, --follow', 'keep printing records as they are appended (Ctrl-C to stop)')
    .option('--json', 'print one JSON record per line')
    .addHelpText('after', '\nRotated files (audit.log.N … audit.log.1) are read first, oldest first.')
    .action(async (options: AuditOptions) => {
      const path = auditPathOf(options);
      if (!existsSync(path)) {
        throw new CliError(
          `no audit log at ${path}: start a kernel with that socket (it writes audit.log beside the socket), or point --file/--socket at the right one`,
          ExitCode.FAILED,
        );
      }
      const controller = new AbortController();
      const stop = () => controller.abort();
      if (options.follow) {
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
      const agent = options.agent === undefined ? undefined : parseAgentRef(options.agent);
      const run = options.run === 'all' ? undefined : (options.run ?? (await currentRun(options, path)));
      const records = readAudit(path, { follow: options.follow ?? false, signal: controller.signal, ...(agent !== undefined ? { agent } : {}), ...(run !== undefined ? { run } : {}) });
      try {
        if (options.json) {
          for await (const r of records) process.stdout.write(`${JSON.stringify(r)}\n`);
        } else if (options.follow) {
          process.stdout.write(`${paint('bold', line(HEADERS, FOLLOW_WIDTHS))}\n`);
          for await (const r of records) process.stdout.write(`${paintRow(line(cellsOf(r), FOLLOW_WIDTHS), r)}\n`);
        } else {
          const rows: Array<{ cells: string[]; record: AuditRecord }> = [];
          for await (const r of records) rows.push({ cells: cellsOf(r), record: r });
          if (rows.length === 0) {
            process.stdout.write(`no records${agent === undefined ? '' : ` of agent ${agent}`}${run === undefined ? '' : ` of run ${run} (--run all for every run)`} in ${path}\n`);
            return;
          }
          const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i]?.length ?? 0)));
          process.stdout.write(`${paint('bold', line(HEADERS, widths))}\n`);
          for (const r of rows) process.stdout.write(`${paintRow(line(r.cells, widths), r.record)}\n`);
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
