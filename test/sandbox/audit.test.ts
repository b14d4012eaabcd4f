import { mkdtempSync, readFileSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, readAudit, type AuditRecord } from '../../kernel/audit/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clove-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const agent = (id: number) => ({ agent_id: id, agent_name: `a${id}`, role: 'agent' as const });

describe('audit log', () => {
  it('appends JSON lines with a redacted, truncated argument summary', async () => {
    const log = new AuditLog(join(dir, 'audit.log'));
    log.record({ caller: agent(1), opcode: 'HTTP', args: { url: 'https://x', headers: { Authorization: 'Bearer abc' }, token: 'T0K', body: 'x'.repeat(500) }, decision: 'allowed', duration_ms: 1.23456 });
    log.record({ caller: { agent_id: null, agent_name: null, role: 'operator' }, opcode: 'SET_PERMS', args: {}, decision: 'denied', rule: 'operator', duration_ms: 0, error: 'PERM_DENIED' });
    await log.close();
    const lines = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.args).not.toContain('Bearer');
    expect(lines[0]!.args).not.toContain('T0K');
    expect(lines[0]!.args).toContain('[redacted]');
    expect(lines[0]!.args.length).toBeLessThanOrEqual(301);
    expect(lines[0]!.duration_ms).toBe(1.235);
    expect(lines[1]).toMatchObject({ decision: 'denied', rule: 'operator', error: 'PERM_DENIED' });
  });

  it('rotates by size and keeps N files', async () => {
    const log = new AuditLog(join(dir, 'audit.log'), { maxBytes: 400, keep: 2, maxBufferedLines: 1 });
    for (let i = 0; i < 30; i++) log.record({ caller: agent(i), opcode: 'NOOP', args: { i }, decision: 'allowed', duration_ms: 0 });
    await log.close();
    expect(readdirSync(dir).sort()).toEqual(['audit.log', 'audit.log.1', 'audit.log.2']);
    const all: AuditRecord[] = [];
    for await (const r of readAudit(join(dir, 'audit.log'))) all.push(r);
    const ids = all.map((r) => r.caller.agent_id);
    expect(ids).toEqual([...ids].sort((a, b) => a! - b!));
    expect(ids.at(-1)).toBe(29);
  });

  it('filters by agent and follows appended lines until aborted', async () => {
    const path = join(dir, 'audit.log');
    const log = new AuditLog(path, { flushIntervalMs: 10 });
    log.record({ caller: agent(1), opcode: 'READ', args: {}, decision: 'allowed', duration_ms: 0 });
    log.record({ caller: agent(2), opcode: 'READ', args: {}, decision: 'allowed', duration_ms: 0 });
    await log.flush();
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const r of readAudit(path, { agent: 'a2', follow: true, signal: controller.signal, pollMs: 20 })) {
        seen.push(r.opcode);
        if (seen.length === 2) controller.abort();
      }
    })();
    log.record({ caller: agent(1), opcode: 'EXEC', args: {}, decision: 'denied', duration_ms: 0 });
    log.record({ caller: agent(2), opcode: 'WRITE', args: {}, decision: 'allowed', duration_ms: 0 });
    await log.flush();
    appendFileSync(path, 'not json\n');
    await reading;
    expect(seen).toEqual(['READ', 'WRITE']);
  });
});
