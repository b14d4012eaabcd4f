/** The audit log page: the kernel's audit records (rotated files too), filtered, newest first. */
import { existsSync } from 'node:fs';
import { readAudit, type AuditRecord } from '../kernel/audit/index.js';
import { DashboardError } from './errors.js';

export interface AuditFilter {
  /** Agent id or name. */
  agent?: string;
  /** A run id, or `all`; default the given current run. */
  run?: string;
  opcode?: string;
  decision?: 'allowed' | 'denied';
  caller?: 'agent' | 'operator' | 'anonymous';
  /** Only records whose opcode, arguments, rule or error contain this text. */
  text?: string;
  /** Leave out the operator's read-only calls (what the dashboard itself makes every second). */
  hideOperatorReads?: boolean;
  /** Newest records returned; default 500, at most 5000. */
  limit?: number;
}

/** Read-only opcodes the dashboard (and `clove status`, `agent list`) call as operator. */
export const OPERATOR_READS: ReadonlySet<string> = new Set(['HELLO', 'STATUS', 'LIST', 'LOGS', 'SUBSCRIBE', 'WORLD_LIST', 'WORLD_STATE', 'METRICS_SYSTEM', 'METRICS_AGENT', 'METRICS_ALL_AGENTS', 'METRICS_CGROUP']);

export interface AuditPage {
  path: string;
  run: string | null;
  /** Records that matched (before the limit). */
  matched: number;
  records: AuditRecord[];
}

/** Reads the audit log at `path` with the filter; `currentRun` is the run shown when the filter names none. */
export async function auditPage(path: string, filter: AuditFilter, currentRun: string | null): Promise<AuditPage> {
  if (!existsSync(path)) throw new DashboardError('DASHBOARD_NO_AUDIT_LOG', `no audit log at ${path}: the kernel writes it in its state directory (unless started with auditLog: false)`, 404);
  const limit = Math.min(Math.max(1, filter.limit ?? 500), 5000);
  const agent = filter.agent === undefined || filter.agent === '' ? undefined : /^\d+$/.test(filter.agent) ? Number(filter.agent) : filter.agent;
  const run = filter.run === 'all' ? undefined : filter.run || currentRun || undefined;
  const opcode = filter.opcode?.toUpperCase();
  const text = filter.text?.toLowerCase();
  const kept: AuditRecord[] = [];
  let matched = 0;
  for await (const r of readAudit(path, { ...(agent !== undefined ? { agent } : {}), ...(run !== undefined ? { run } : {}) })) {
    if (opcode && r.opcode !== opcode) continue;
    if (filter.decision && r.decision !== filter.decision) continue;
    if (filter.caller && r.caller.role !== filter.caller) continue;
    if (filter.hideOperatorReads && r.caller.role === 'operator' && OPERATOR_READS.has(r.opcode)) continue;
    if (text && ![r.opcode, r.args, r.rule ?? '', r.error ?? ''].some((s) => s.toLowerCase().includes(text))) continue;
    matched++;
    kept.push(r);
    if (kept.length > limit) kept.shift();
  }
  return { path, run: run ?? null, matched, records: kept.reverse() };
}
