import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startKernel } from '../../kernel/index.js';
import { connect, type AgentRecord } from '../../sdk/index.js';
import { eventually, fixture, testKernel, useTestKernel } from '../helpers/kernel.js';
import { groupMembers, procState, running } from '../helpers/proc.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

async function pidsOfTree(agent: AgentRecord, atLeast: number): Promise<number[]> {
  return eventually(() => {
    const members = groupMembers(agent.pid!);
    return members.length >= atLeast ? members : undefined;
  });
}

describe('agents live and die independently', () => {
  const k = useTestKernel();

  it('keeps the other agents running when one crashes', async () => {
    const c = await k.client();
    const others = await Promise.all([0, 1, 2].map(() => c.spawn({ script: fixture('agents', 'sleeper-quiet.js') })));
    const crasher = await c.spawn({ script: fixture('agents', 'crasher.js'), args: ['9'] });
    const killed = await c.spawn({ script: fixture('agents', 'self-kill.js') });
    expect(await c.wait(crasher.id, 10_000)).toMatchObject({ state: 'exited', exitCode: 9, signal: null });
    expect(await c.wait(killed.id, 10_000)).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
    const live = await c.list();
    for (const other of others) {
      expect(live.find((a) => a.id === other.id)?.state).toBe('running');
      expect(running(other.pid!)).toBe(true);
      const self = await k.client({ token: k.kernel.agents.get(other.id).token });
      expect(await self.noop({ alive: other.id })).toEqual({ alive: other.id });
    }
    for (const other of others) await c.kill(other.id);
  });

  it('reaps exited agents, leaving no zombie', async () => {
    const c = await k.client();
    const agents = await Promise.all([1, 2, 3, 4, 5].map((n) => c.spawn({ script: fixture('agents', 'crasher.js'), args: [String(n)] })));
    for (const agent of agents) await c.wait(agent.id, 10_000);
    await eventually(() => agents.every((a) => procState(a.pid!) === undefined));
  });

  it('kills what an agent left behind in its process group when it exits', async () => {
    const c = await k.client();
    const agent = await c.spawn({ script: fixture('agents', 'process-tree.sh'), args: ['exit'] });
    expect((await c.wait(agent.id, 10_000)).exitCode).toBe(0);
    const line = (await c.logs(agent.id)).lines.find((l) => l.text.startsWith('grandchild '));
    const grandchild = Number(line?.text.split(' ')[1]);
    expect(grandchild).toBeGreaterThan(0);
    await eventually(() => !running(grandchild));
  });
});

describe('shutdown', () => {
  it('leaves no agent process behind after close(), grandchildren included', async () => {
    const k = await testKernel({ killGraceMs: 300 });
    const c = await k.client();
    const trees = await Promise.all([0, 1].map(() => c.spawn({ script: fixture('agents', 'process-tree.sh'), args: ['hold'] })));
    const plain = await c.spawn({ script: fixture('agents', 'sleeper.js') });
    const pids = [plain.pid!, ...(await pidsOfTree(trees[0]!, 3)), ...(await pidsOfTree(trees[1]!, 3))];
    expect(pids.every(running)).toBe(true);
    await k.stop();
    await eventually(() => pids.every((pid) => !running(pid)), 5000);
    expect(existsSync(k.socketPath)).toBe(false);
  });

  it('stops on SHUTDOWN and removes its socket and token file', async () => {
    const k = await testKernel();
    const c = await k.client();
    const agent = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
    expect(await c.shutdownKernel()).toEqual({ shuttingDown: true });
    await k.kernel.closed;
    expect(running(agent.pid!)).toBe(false);
    expect(existsSync(k.socketPath)).toBe(false);
    expect(existsSync(k.tokenFile)).toBe(false);
    await k.stop();
  });

  it('finishes close() while a client is still connected', async () => {
    const k = await testKernel({ killGraceMs: 200 });
    const c = await k.client();
    await c.noop({});
    try {
      const result = await Promise.race([k.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still waiting'), 2000))]);
      expect(result).toBe('closed');
    } finally {
      c.close();
      await k.stop();
    }
  });

  it('shuts down on SIGTERM as a daemon: agents stopped, socket removed, process exits', async () => {
    const dir = tempDir();
    const socketPath = join(dir, 'daemon.sock');
    const daemon = spawn(process.execPath, ['--import', 'tsx', fixture('agents', 'daemon.ts'), socketPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolveExit) => daemon.once('exit', (code) => resolveExit(code)));
    const lines = createInterface({ input: daemon.stdout! })[Symbol.asyncIterator]();
    try {
      const ready = JSON.parse(((await lines.next()).value as string) ?? '{}') as { token: string; pid: number };
      const c = await connect({ socketPath, token: ready.token });
      const tree = await c.spawn({ script: fixture('agents', 'process-tree.sh'), args: ['hold'] });
      const plain = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
      const pids = [plain.pid!, ...(await pidsOfTree(tree, 3))];
      expect(statSync(socketPath).mode & 0o777).toBe(0o600);
      c.close();
      daemon.kill('SIGTERM');
      expect((await lines.next()).value).toBe('stopped');
      expect(await withTimeout(exited, 10_000, 'the daemon did not exit after stopping')).toBe(0);
      expect(pids.filter(running)).toEqual([]);
      expect(existsSync(socketPath)).toBe(false);
      expect(existsSync(join(dir, 'operator.token'))).toBe(false);
    } finally {
      killIfAlive(daemon);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('socket and token file', () => {
  it('creates the socket and the operator token file owner-only (0600)', async () => {
    const k = await testKernel();
    try {
      expect(statSync(k.socketPath).isSocket()).toBe(true);
      expect(statSync(k.socketPath).mode & 0o777).toBe(0o600);
      expect(statSync(k.tokenFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(k.tokenFile, 'utf8').trim()).toBe(k.token);
    } finally {
      await k.stop();
    }
  });

  it('replaces a stale socket left by a dead kernel', async () => {
    const dir = tempDir();
    const socketPath = join(dir, 'stale.sock');
    const dead = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => dead.once('exit', r));
    expect(statSync(socketPath).isSocket()).toBe(true);
    const log: string[] = [];
    const k = await startKernel({ socketPath, log: (line) => log.push(line) });
    try {
      expect(log.some((l) => l.includes('replaced a stale socket'))).toBe(true);
      const c = await connect({ socketPath, token: k.token });
      expect(await c.noop({ fresh: true })).toEqual({ fresh: true });
      c.close();
    } finally {
      await k.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never steals a live kernel's socket", async () => {
    const k = await testKernel();
    try {
      const second = startKernel({ socketPath: k.socketPath });
      await expect(second).rejects.toMatchObject({ code: 'KERNEL_ALREADY_RUNNING', message: expect.stringContaining(k.socketPath) });
      expect(readFileSync(k.tokenFile, 'utf8').trim()).toBe(k.token);
      const c = await k.client();
      expect(await c.noop({ first: 'still serving' })).toEqual({ first: 'still serving' });
    } finally {
      await k.stop();
    }
  });

  it('refuses to replace a file that is not a socket', async () => {
    const k = await testKernel();
    const path = join(k.dir, 'not-a-socket');
    writeFileSync(path, 'precious');
    try {
      await expect(startKernel({ socketPath: path })).rejects.toThrow(/not a socket/);
      expect(readFileSync(path, 'utf8')).toBe('precious');
    } finally {
      await k.stop();
    }
  });
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'clove-l-'));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref())]);
}

function killIfAlive(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
