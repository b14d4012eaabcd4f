import { chmodSync, chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { eventually, fixture, type Outcome, runScripted, useTestKernel } from '../helpers/kernel.js';

let operator: CloveClient;
let work: string;

const k = useTestKernel();
beforeAll(async () => {
  operator = await k.client();
  work = mkdtempSync(join(tmpdir(), 'clove-work-'));
  // Unsandboxed agents of a root kernel run as uid 65534, and the kernel's file syscalls act with
  // their rights: their working directory must be theirs.
  chmodSync(work, 0o755);
  if (process.getuid?.() === 0) chownSync(work, 65534, 65534);
});

function runScript(steps: unknown[][], spawn: Record<string, unknown> = {}): Promise<Outcome[]> {
  return runScripted(operator, steps, { cwd: work, ...spawn });
}

describe('host access through syscalls', () => {
  it('reads and writes files in the working directory and lists them', async () => {
    const [write, read, stat, list, mkdir, unlink] = await runScript([
      ['write', 'notes.txt', 'hello'],
      ['read', 'notes.txt'],
      ['stat', 'notes.txt'],
      ['listdir', '.'],
      ['mkdir', 'sub/deeper'],
      ['unlink', 'notes.txt'],
    ]);
    expect(write?.ok).toMatchObject({ written: 5 });
    expect(read?.ok).toMatchObject({ content: 'hello', size: 5 });
    expect(stat?.ok).toMatchObject({ type: 'file', size: 5 });
    expect((list?.ok as Array<{ name: string }>).map((e) => e.name)).toContain('notes.txt');
    expect(mkdir?.ok).toEqual({ created: true });
    expect(unlink?.ok).toEqual({ deleted: true });
  });

  it('denies secrets and names the rule, emitting SYSCALL_BLOCKED', async () => {
    writeFileSync(join(work, '.env'), 'API_KEY=secret');
    await operator.subscribe(['SYSCALL_BLOCKED']);
    const [env, ssh] = await runScript([
      ['read', '.env'],
      ['read', '/root/.ssh/id_rsa'],
    ]);
    expect(env?.error).toBe('PERM_DENIED');
    expect(env?.message).toMatch(/rule/);
    expect(ssh?.error).toBe('PERM_DENIED');
    const { events } = await operator.pollEvents({ timeoutMs: 1000 });
    expect(events.some((e) => e.type === 'SYSCALL_BLOCKED' && String(e.data.what).includes('.env'))).toBe(true);
  });

  it('keeps a READONLY agent from writing', async () => {
    const [write, read] = await runScript([['write', 'x.txt', 'no'], ['listdir', '.']], { permissions: 'READONLY' });
    expect(write?.error).toBe('PERM_DENIED');
    expect(read?.ok).toBeDefined();
  });

  it('runs EXEC beside the agent with its exit code and blocks dangerous commands', async () => {
    const [ok, fails, danger, sudo] = await runScript([
      ['exec', 'echo out; echo err >&2'],
      ['exec', 'exit 3'],
      ['exec', 'rm -rf /'],
      ['exec', ['sudo', 'ls']],
    ]);
    expect(ok?.ok).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    expect(fails?.ok).toMatchObject({ exitCode: 3 });
    expect(danger?.error).toBe('PERM_DENIED');
    expect(sudo?.error).toBe('PERM_DENIED');
  });

  it('makes real HTTP requests within the domain allow-list', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const permissions = { level: 'STANDARD', http: { allowed: true, domains: ['127.0.0.1'] } };
      const [ok, blocked] = await runScript(
        [
          ['http', { url: `http://127.0.0.1:${port}/items?x=1`, method: 'POST', body: 'hi' }],
          ['http', { url: 'http://example.invalid/' }],
        ],
        { permissions },
      );
      expect(ok?.ok).toMatchObject({ status: 200, body: JSON.stringify({ method: 'POST', url: '/items?x=1' }) });
      expect(blocked?.error).toBe('PERM_DENIED');
    } finally {
      server.close();
    }
  });

  it("lets operators change an agent's permissions and agents read only their own", async () => {
    const agent = await operator.spawn({ script: fixture('agents', 'sleeper.js') });
    expect((await operator.getPerms(agent.id)).permissions.level).toBe('STANDARD');
    const changed = await operator.setPerms(agent.id, 'MINIMAL');
    expect(changed.permissions.level).toBe('MINIMAL');
    await expect(operator.setPerms(agent.id, { level: 'NOPE' })).rejects.toMatchObject({ code: 'PERM_INVALID' });
    const [own, other, set] = await runScript([['getPerms'], ['getPerms', agent.id], ['setPerms', agent.id, 'UNRESTRICTED']]);
    expect((own?.ok as { permissions: { level: string } }).permissions.level).toBe('STANDARD');
    expect(other?.error).toBe('KERNEL_FORBIDDEN');
    expect(set?.error).toBe('KERNEL_FORBIDDEN');
    await operator.kill(agent.id);
  });

  it('writes every syscall to the audit log with its decision', async () => {
    await runScript([['read', '.env']]);
    const log = join(k.dir, 'audit.log');
    const lines = await eventually(() => {
      try {
        const text = readFileSync(log, 'utf8');
        return text.includes('"decision":"denied"') ? text.trim().split('\n') : undefined;
      } catch {
        return undefined;
      }
    });
    const denied = lines.map((l) => JSON.parse(l) as { opcode: string; decision: string; rule?: string }).find((r) => r.decision === 'denied');
    expect(denied).toMatchObject({ opcode: 'READ' });
    expect(denied?.rule).toBeTruthy();
    expect(lines.every((l) => !l.includes(k.token))).toBe(true);
  });
});
