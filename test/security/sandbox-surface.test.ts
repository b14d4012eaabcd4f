import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpawnRequest } from '../../sdk/index.js';
import { fixture, testKernel, type TestKernel } from '../helpers/kernel.js';
import { waitForLine } from '../helpers/agent-logs.js';
import { missing } from '../sandbox-kernel/helpers.js';

// The system-call surface of agents: namespaces, ptrace, the host's shared memory and lock
// directories, disk, the operator token and the kernel's process, tried from inside.

const reason = missing('memory');
const kernels: TestKernel[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const k of kernels) await k.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Surface = Record<string, string | number | null>;

async function probe(k: TestKernel, name: string, spawn: Partial<SpawnRequest>, fillMib = 0): Promise<Surface> {
  const c = await k.client();
  const work = mkdtempSync(join(tmpdir(), 'clove-surface-'));
  chmodSync(work, 0o755);
  dirs.push(work);
  const plan = { name: `${name}-${process.pid}`, token_file: k.tokenFile, kernel_pid: process.pid, fill_mib: fillMib };
  const agent = await c.spawn({ script: fixture('security', 'surface.py'), args: [JSON.stringify(plan)], cwd: work, name, ...spawn });
  const line = await waitForLine(c, agent.id, /^RESULT /, 60_000);
  await c.wait(agent.id, 10_000);
  return JSON.parse(line.slice('RESULT '.length)) as Surface;
}

describe.skipIf(reason)(`agents' system-call surface ${reason ? `(skipped: ${reason})` : ''}`, () => {
  it('a sandboxed agent creates no namespaces, cannot ptrace, writes only its own /dev/shm and /run/lock, and fills only its own small /tmp', async () => {
    const k = await testKernel({ sandbox: { tmpSize: '8M' } });
    kernels.push(k);
    const s = await probe(k, 'boxed', { sandboxed: true, limits: { memory: '128M' } }, 64);
    expect(s).toMatchObject({ uid: 65534, unshare_user: 'EPERM', unshare_mnt: 'EPERM', unshare_net: 'EPERM', ptrace_traceme: 'EPERM' });
    // Its own tmpfs: the write works inside and nothing reaches the host.
    expect(s['write_/dev/shm']).toBe('ok');
    expect(existsSync(`/dev/shm/clove-probe-boxed-${process.pid}`)).toBe(false);
    expect(existsSync(`/run/lock/clove-probe-boxed-${process.pid}`)).toBe(false);
    // The disk fill stops at the sandbox's 8 MiB, inside the agent's space.
    expect(s.fill_error).toBe('ENOSPC');
    expect(s.fill_written as number).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(s.read_token).not.toBe('ok');
    expect(s.signal_kernel).not.toBe('ok');
  });

  it('an unsandboxed agent of a root kernel runs as uid 65534: no token, no signals to the kernel', async () => {
    const k = await testKernel();
    kernels.push(k);
    const s = await probe(k, 'plain', {});
    expect(s.uid).toBe(65534);
    expect(s.read_token).toBe('EACCES');
    expect(s.signal_kernel).toBe('EPERM');
    const record = (await (await k.client()).list({ all: true })).find((a) => a.name === 'plain')!;
    expect(record.isolation.uid).toBe(65534);
  });

  it('keeps root for unsandboxed agents only when the operator asks (plainUser: kernel)', async () => {
    const k = await testKernel({ sandbox: { plainUser: 'kernel' } });
    kernels.push(k);
    const s = await probe(k, 'as-root', {});
    expect(s.uid).toBe(0);
  });
});
