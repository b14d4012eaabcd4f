import { mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../sdk/index.js';
import { cgroupDirsOf, exampleAgent, leafOf, missing, processesOf, sandboxFixture } from './helpers.js';
import { waitForLine } from '../helpers/agent-logs.js';
import { cgroupMounts, processState } from '../helpers/proc.js';
import { startKernelDaemon } from '../helpers/daemon.js';
import { sleep } from '../helpers/wait.js';

// A kernel daemon killed with SIGKILL leaves no agent and, once a new kernel starts, no cgroup.

const dirs: string[] = [];
// Its own cgroup parent: a kernel another test file starts meanwhile must not take this dead
// kernel's groups for its own leftovers and remove them first.
const PARENT = `clove-crash-${process.pid}`;
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const mount of cgroupMounts()) {
    try {
      rmdirSync(join(mount, PARENT));
    } catch {
      // Not created on this hierarchy, or already gone.
    }
  }
});

const reason = missing('memory', 'cpu', 'pids', 'freezer');
describe.skipIf(reason)(`kernel crash${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('leaves no agent process or cgroup after SIGKILL and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-crash-'));
    dirs.push(dir);
    const socketPath = join(dir, 'kernel.sock');
    const first = await startKernelDaemon(socketPath, { cgroupParent: PARENT });

    const c = await connect({ socketPath });
    const agents = [
      await c.spawn({ script: sandboxFixture('counter.py'), name: 'survivor-a', sandboxed: true, limits: { memory: '64M', cpuQuota: 0.5, maxPids: 16 } }),
      await c.spawn({ script: exampleAgent('fork-bomb.py'), name: 'survivor-b', sandboxed: true, limits: { maxPids: 8, cpuQuota: 0.2 } }),
    ];
    // One of them paused: a frozen cgroup must not survive either.
    await waitForLine(c, agents[0]!.id, /^count 2$/);
    await c.pause(agents[0]!.id);
    await waitForLine(c, agents[1]!.id, /fork failed/);
    const leaves = agents.map((a) => leafOf(a.isolation.cgroup.path));
    const hostPids = agents.map((a) => a.pid!);
    expect(processesOf(first.pid, undefined, PARENT).length).toBeGreaterThanOrEqual(4);
    expect(cgroupDirsOf(first.pid, undefined, PARENT).length).toBeGreaterThan(0);
    c.close();

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // The launchers die with the kernel (PR_SET_PDEATHSIG) and take their pid namespace along,
    // except in a frozen cgroup, where the kill waits for a thaw: that is the new kernel's job.
    for (let i = 0; i < 40 && processesOf(first.pid, leaves[1], PARENT).length > 0; i++) await sleep(50);
    expect(processesOf(first.pid, leaves[1], PARENT)).toEqual([]);
    // (On this machine the paused agent's 3 processes are still there, frozen, until the restart.)

    const second = await startKernelDaemon(socketPath, { cgroupParent: PARENT });
    expect(second.stderr()).toMatch(/removed \d+ cgroup\(s\) left by a kernel that died/);
    // Cleanup happens before the new kernel listens: nothing of the dead kernel is left now.
    expect(processesOf(first.pid, undefined, PARENT)).toEqual([]);
    for (const leaf of leaves) expect(cgroupDirsOf(first.pid, leaf, PARENT)).toEqual([]);
    expect(cgroupDirsOf(first.pid, undefined, PARENT)).toEqual([]);
    for (const pid of hostPids) expect(processState(pid).alive, processState(pid).state).toBe(false);

    const after = await connect({ socketPath });
    expect(await after.list({ all: true })).toEqual([]);
    after.close();
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    await sleep(0);
  });
});
