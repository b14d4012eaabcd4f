import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord, CloveClient } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';
import { missing, sandboxFixture } from './helpers.js';
import { textOf } from '../helpers/agent-logs.js';

// What a sandboxed agent can see and reach, observed from inside by plain syscalls (probe.py),
// against what its record claims.

interface Probe {
  pid: number;
  ppid: number;
  uid: number[];
  gid: number[];
  no_new_privs: number;
  cap_eff: string;
  cap_bnd: string;
  hostname: string;
  proc_pids: number[];
  interfaces: string[];
  reads: Array<{ path: string; ok: boolean; error?: string }>;
  connects: Array<{ host: string; port: number; ok: boolean; error?: string }>;
}

let c: CloveClient;
let base: string;
let work: string;
let server: Server;
let port: number;
let accepted = 0;

const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
  base = mkdtempSync(join(tmpdir(), 'clove-iso-'));
  work = join(base, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'mine.txt'), 'the agent may read this');
  writeFileSync(join(base, 'outside.txt'), 'beside the working directory');
  server = createServer((socket) => {
    accepted++;
    socket.resume();
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

async function probe(plan: { read?: string[]; connect?: Array<[string, number]> }, spawn: { name: string; network?: boolean }): Promise<{ report: Probe; record: AgentRecord; listed: AgentRecord }> {
  const agent = await c.spawn({ script: sandboxFixture('probe.py'), args: [JSON.stringify(plan)], cwd: work, sandboxed: true, limits: { memory: '64M', maxPids: 32 }, ...spawn });
  const [listed] = (await c.list()).filter((a) => a.id === agent.id);
  const record = await c.wait(agent.id, 15_000);
  const logs = await c.logs(agent.id);
  expect(record.exitCode, textOf(logs)).toBe(0);
  const line = logs.lines.find((l) => l.stream === 'stdout' && l.text.startsWith('{'));
  expect(line, textOf(logs)).toBeDefined();
  return { report: JSON.parse(line!.text) as Probe, record, listed: listed ?? agent };
}

const reason = missing('memory', 'pids');
describe.skipIf(reason)(`sandbox isolation seen from inside${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('reports exactly what is enforced in LIST, and the agent observes the same', async () => {
    const { report, listed } = await probe({}, { name: 'observer' });
    const iso = listed.isolation;
    expect(iso).toMatchObject({
      sandboxed: true,
      backend: 'namespaces',
      namespaces: { pid: true, net: true, mnt: true, uts: true, ipc: true, user: false },
      limits: {
        memory: { requested: 64 * 1024 * 1024, enforced: true },
        cpu: { requested: null, enforced: false, via: null },
        pids: { requested: 32, enforced: true },
      },
      uid: 65534,
      noNewPrivs: true,
    });
    expect(iso.cgroup.path).toMatch(/\/clove\/agent-\d+-\d+-\d+$/);
    // uid and no_new_privs: as claimed, and no capabilities at all.
    expect(report.uid).toEqual([65534, 65534, 65534, 65534]);
    expect(report.gid).toEqual([65534, 65534, 65534, 65534]);
    expect(report.no_new_privs).toBe(1);
    expect(report.cap_eff).toBe('0000000000000000');
    expect(report.cap_bnd).toBe('0000000000000000');
    // uts: the hostname is the agent's name.
    expect(report.hostname).toBe('observer');
    // pid: a fresh tree where the launcher's init is PID 1 and the agent PID 2; nothing of the host in /proc.
    expect(report.pid).toBe(2);
    expect(report.ppid).toBe(1);
    expect(report.proc_pids).toEqual([1, 2]);
    expect(listed.pid).not.toBe(report.pid);
    // net: only loopback.
    expect(report.interfaces).toEqual(['lo']);
  });

  it('cannot reach a server on the host loopback without network, and can with network: true', async () => {
    const before = accepted;
    const denied = await probe({ connect: [['127.0.0.1', port]] }, { name: 'offline' });
    expect(denied.report.connects[0]).toMatchObject({ ok: false });
    expect(denied.record.isolation.namespaces.net).toBe(true);
    expect(accepted).toBe(before);

    const allowed = await probe({ connect: [['127.0.0.1', port]] }, { name: 'online', network: true });
    expect(allowed.record.isolation.namespaces.net).toBe(false);
    expect(allowed.report.connects[0]).toMatchObject({ ok: true });
    expect(allowed.report.interfaces.length).toBeGreaterThan(1);
    expect(accepted).toBe(before + 1);
  });

  it('cannot read files outside its allowed paths nor the operator token, by plain file I/O', async () => {
    const secretInRoot = join('/root', `.clove-test-secret-${process.pid}`);
    writeFileSync(secretInRoot, 'root only', { mode: 0o644 });
    try {
      const { report } = await probe(
        { read: [join(work, 'mine.txt'), join(base, 'outside.txt'), k.tokenFile, join(k.dir, 'audit.log'), secretInRoot, '/etc/shadow'] },
        { name: 'reader' },
      );
      const [mine, outside, token, audit, rootFile, shadow] = report.reads;
      expect(mine).toMatchObject({ ok: true });
      // Hidden by the mount namespace: the test's temp dir (not its cwd), the state dir, /root.
      expect(outside).toMatchObject({ ok: false, error: 'No such file or directory' });
      expect(token).toMatchObject({ ok: false });
      expect(audit).toMatchObject({ ok: false });
      expect(rootFile).toMatchObject({ ok: false, error: 'No such file or directory' });
      // Visible, but closed to uid 65534 by Unix permissions.
      expect(shadow).toMatchObject({ ok: false, error: 'Permission denied' });
    } finally {
      rmSync(secretInRoot, { force: true });
    }
  });
});

describe.skipIf(reason)(`sandboxed TypeScript agents${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('runs a .ts agent inside the sandbox with node and tsx', async () => {
    const agent = await c.spawn({ script: fixture('agents', 'scripted.ts'), cwd: work, sandboxed: true, env: { CLOVE_SCRIPT: JSON.stringify([['echo', 'from a sandboxed ts agent']]) } });
    const done = await c.wait(agent.id, 20_000);
    expect(done.exitCode, textOf(await c.logs(agent.id))).toBe(0);
    expect(done.isolation.backend).toBe('namespaces');
    expect((await c.fetch<{ ok: unknown }>('result:0')).value).toEqual({ ok: 'from a sandboxed ts agent' });
  });
});
