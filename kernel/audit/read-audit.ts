import { open, stat } from 'node:fs/promises';
import { refersTo } from '../../sdk/agent-ref.js';
import type { AuditRecord } from './audit-log.js';

export interface ReadAuditOptions {
  /** Only records of this agent (id or name). */
  agent?: number | string;
  /** Only records of this kernel run (AuditRecord.run). */
  run?: string;
  /** Keep reading lines appended later (and across rotation) until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Also read rotated files (`.N` … `.1`) first; default true. */
  rotated?: boolean;
  /** Poll interval when following; default 200 ms. */
  pollMs?: number;
}

function matches(record: AuditRecord, agent: number | string | undefined): boolean {
  if (agent === undefined) return true;
  return refersTo(agent, { id: record.caller.agent_id, name: record.caller.agent_name });
}

function parse(line: string): AuditRecord | null {
  try {
    return JSON.parse(line) as AuditRecord;
  } catch {
    return null;
  }
}

async function readFrom(path: string, offset: number): Promise<{ text: string; size: number; ino: number } | null> {
  const info = await stat(path).catch(() => null);
  if (!info) return null;
  if (info.size <= offset) return { text: '', size: info.size, ino: info.ino };
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(info.size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), size: offset + bytesRead, ino: info.ino };
  } finally {
    await handle.close();
  }
}

/**
 * Reads the audit log as records, oldest first: what `clove audit [--agent N] [--follow]` prints.
 *
 * @example
 * for await (const r of readAudit('/var/lib/clove/audit.log', { agent: 3 })) console.log(r.opcode, r.decision);
 */
export async function* readAudit(path: string, options: ReadAuditOptions = {}): AsyncGenerator<AuditRecord> {
  if (options.rotated !== false) {
    for (let i = 20; i >= 1; i--) {
      const chunk = await readFrom(`${path}.${i}`, 0);
      if (!chunk) continue;
      for (const line of chunk.text.split('\n')) {
        const record = line ? parse(line) : null;
        if (record && matches(record, options.agent) && (options.run === undefined || record.run === options.run)) yield record;
      }
    }
  }
  let offset = 0;
  let ino: number | null = null;
  let partial = '';
  for (;;) {
    const chunk = await readFrom(path, offset);
    if (chunk) {
      if (ino !== null && (chunk.ino !== ino || chunk.size < offset)) {
        // Rotated: start over on the new file.
        offset = 0;
        partial = '';
        ino = chunk.ino;
        continue;
      }
      ino = chunk.ino;
      offset = chunk.size;
      const lines = (partial + chunk.text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const record = line ? parse(line) : null;
        if (record && matches(record, options.agent) && (options.run === undefined || record.run === options.run)) yield record;
      }
    }
    if (!options.follow || options.signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.pollMs ?? 200);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    if (options.signal?.aborted) return;
  }
}
