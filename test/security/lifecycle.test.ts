import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKernel, type KernelHandle } from '../../kernel/index.js';
import { connect, type CloveClient, type SpawnRequest } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';
import { waitForLine } from '../helpers/agent-logs.js';
import { startKernelDaemon } from '../helpers/daemon.js';
import { sleep } from '../helpers/wait.js';
import { missing, sandboxFixture } from '../sandbox-kernel/helpers.js';

// Ordinary paths and lifecycles: a socket in /tmp, a script in /tmp, several SDK clients in one
// agent, long sleeps, and a kernel killed with SIGKILL.

const rootReason = missing();
const cleanup: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function resultOf(c: CloveClient, spawnRequest: SpawnRequest): Promise<{ ok: number; errors: string[] }> {
  const agent = await c.spawn(spawnRequest);
  const line = await waitForLine(c, agent.id, /^RESULT /, 30_000);
  await c.wait(agent.id, 10_000);
  return JSON.parse(line.slice('RESULT '.length)) as { ok: number; errors: string[] };
}

describe.skipIf(rootReason)(`a kernel with its socket in /tmp ${rootReason ? `(skipped: ${rootReason})` : ''}`, () => {
  let k: KernelHandle;
  const socketPath = join(tmpdir(), `clove-lc-${process.pid}.sock`);
  const script = join(tmpdir(), `clove-lc-${process.pid}-agent.py`);
  beforeAll(async () => {
    k = await startKernel({ socketPath, killGraceMs: 500 });
    cleanup.push(async () => {
      await k.close();
      rmSync(`${socketPath}.state`, { recursive: true, force: true });
      rmSync(script, { force: true });
    });
  });

  it('keeps its state in a private <socket>.state directory, where the SDK finds the token', async () => {
    expect(k.tokenFile).toBe(`${socketPath}.state/operator.token`);
    expect(existsSync(join(tmpdir(), 'operator.token'))).toBe(false);
    const c = await connect({ socketPath });
    expect((await c.status()).pid).toBe(process.pid);
    c.close();
  });

  it('runs a sandboxed agent whose script lives in /tmp inside a world', async () => {
    copyFileSync(sandboxFixture('counter.py'), script);
    chmodSync(script, 0o644);
    const c = await connect({ socketPath });
    await c.worldCreate({ source: 'name: lc-world\n', name: 'lc-world' });
    const agent = await c.spawn({ script, sandboxed: true, world: 'lc-world', limits: { memory: '64M' } });
    await waitForLine(c, agent.id, /^count 2$/);
    await c.kill(agent.id, { signal: 'SIGKILL' });
    c.close();
  });
});

describe('several SDK clients in one agent', () => {
  let c: CloveClient;
  let work: string;
  const k = useTestKernel();
  beforeAll(async () => {
    c = await k.client();
    work = mkdtempSync(join(tmpdir(), 'clove-multi-'));
    chmodSync(work, 0o755);
    cleanup.push(async () => {
      rmSync(work, { recursive: true, force: true });
    });
  });

  for (const sandboxed of [false, true]) {
    const why = sandboxed ? rootReason : undefined;
    it.skipIf(why)(`Python, ${sandboxed ? 'sandboxed' : 'plain'}: one after another and concurrently ${why ? `(skipped: ${why})` : ''}`, async () => {
      const result = await resultOf(c, { script: fixture('security', 'multi-open.py'), cwd: work, sandboxed });
      expect(result).toEqual({ ok: 9, errors: [] });
    });
    it.skipIf(why)(`TypeScript, ${sandboxed ? 'sandboxed' : 'plain'}: connectAgent and connect, again and at once ${why ? `(skipped: ${why})` : ''}`, async () => {
      const result = await resultOf(c, { script: fixture('security', 'multi-open.ts'), cwd: work, sandboxed });
      expect(result).toEqual({ ok: 9, errors: [] });
    });
  }

  it("refuses the operator token on the agents' socket", async () => {
    const agent = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js'), name: 'socket-peek' });
    const socket = (await c.list()).find((a) => a.id === agent.id) ? k.kernel.agentSocketPath : '';
    expect(socket).not.toBe(k.socketPath);
    await expect(connect({ socketPath: socket, token: k.token })).rejects.toMatchObject({ code: 'KERNEL_UNAUTHENTICATED' });
    await c.kill(agent.id, { signal: 'SIGKILL' });
  });

  it('SLEEP of 2^31 ms or more does not return after 1 ms, on the host clock or a world clock', async () => {
    const long = c.sleep(2 ** 31 + 1000);
    const outcome = await Promise.race([long.then(() => 'returned'), sleep(500).then(() => 'still sleeping')]);
    expect(outcome).toBe('still sleeping');
    await c.worldCreate({ source: 'name: lc-clock\nclock:\n  mode: discrete\n', name: 'lc-clock' });
    const slept = await c.sleep(2 ** 31 + 1000, 'lc-clock');
    expect(slept.sleptMs).toBeGreaterThanOrEqual(2 ** 31 + 1000);
  });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a kernel killed with SIGKILL', () => {
  it("takes plain agents' whole process trees along, and the next kernel starts at once and removes its world trees", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-kill9-'));
    chmodSync(dir, 0o755);
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const socketPath = join(dir, 'state', 'kernel.sock');
    mkdirSync(join(dir, 'state'), { mode: 0o700 });
    const first = await startKernelDaemon(socketPath);
    const c = await connect({ socketPath });
    const tree = await c.spawn({ script: fixture('agents', 'process-tree.sh'), args: ['hold'], cwd: dir });
    const grandchild = Number((await waitForLine(c, tree.id, /^grandchild \d+$/)).split(' ')[1]);
    await c.worldCreate({ source: 'name: k9\nfilesystem:\n  files:\n    - path: /a.txt\n      content: a\n', name: 'k9' });
    const inWorld = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js'), world: 'k9' });
    const worldTrees = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`clove-world-${first.pid}-`));
    expect(worldTrees().length).toBe(1);
    expect(alive(grandchild)).toBe(true);
    c.close();

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    for (let i = 0; i < 40 && (alive(grandchild) || alive(inWorld.pid!)); i++) await sleep(50);
    expect(alive(grandchild)).toBe(false);
    expect(alive(inWorld.pid!)).toBe(false);

    // Any kernel starting now removes them (another test's kernel may be first), this one at the latest.
    const second = await startKernelDaemon(socketPath);
    expect(worldTrees()).toEqual([]);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`clove-agents-${first.pid}-`))).toEqual([]);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });

  it('a dead pid (a zombie not yet reaped, or a reused pid) in kernel.pid does not hold the state directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-zombie-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    // `sleep 0` exits; the shell has become `sleep 30`, which never reaps it: a zombie.
    const parent = spawn('/bin/sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    cleanup.push(() => void parent.kill('SIGKILL'));
    const zombie = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d: Buffer) => r(d.toString().trim()))));
    await sleep(200);
    expect(alive(zombie)).toBe(true);
    writeFileSync(join(dir, 'kernel.pid'), `${zombie}\n${join(dir, 'k.sock')}\n`);
    const k = await startKernel({ socketPath: join(dir, 'k.sock') });
    await k.close();
    // A live process started at another time (pid reuse) does not hold it either.
    writeFileSync(join(dir, 'kernel.pid'), `${parent.pid}\n${join(dir, 'k.sock')}\n1\n`);
    const again = await startKernel({ socketPath: join(dir, 'k.sock') });
    await again.close();
  });
});
