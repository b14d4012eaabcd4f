import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCgroups, selectBackend, type Sandbox } from '../../kernel/sandbox/index.js';
import { isRoot, sleep, spec, start } from './helpers.js';

const detection = await detectCgroups();
const v1 = detection.driver?.version === 'v1';
const skip = !isRoot || !v1;
const why = !isRoot ? 'needs root' : `needs cgroup v1 here (${detection.reason})`;

describe.skipIf(skip)(`cgroup v1 limits on real processes (skipped unless root with v1: ${why})`, () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await selectBackend({ mode: 'namespaces' });
  });
  afterAll(async () => {
    await sandbox?.cleanupLeftovers();
  });

  it('kills a memory hog at its limit, records the OOM kill, and leaves a healthy agent running', async () => {
    const healthy = await start(sandbox, spec({ command: '/bin/sh', args: ['-c', 'echo alive; sleep 30'], limits: { memory: '32M' } }));
    await healthy.waitFor(/alive/);
    const hog = await start(
      sandbox,
      spec({ command: 'python3', args: ['-c', 'a = []\nwhile True: a.append(bytearray(1 << 20))'], limits: { memory: '32M' } }),
    );
    expect(hog.launch.isolation.limits.memory).toMatchObject({ requested: 32 * 1024 * 1024, enforced: true });
    const exit = await hog.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(await hog.launch.handle.oomKilled()).toBe(true);
    expect((await hog.launch.handle.stats())?.memory.peak).toBeLessThanOrEqual(32 * 1024 * 1024);
    await hog.launch.handle.destroy();
    expect(await healthy.launch.handle.oomKilled()).toBe(false);
    expect((await healthy.launch.handle.stats())?.pids.current).toBeGreaterThan(0);
    await healthy.launch.handle.killAll();
    await healthy.exited;
    await healthy.launch.handle.destroy();
  });

  it('keeps a CPU hog within its quota, measured from cgroup stats', async () => {
    const hog = await start(sandbox, spec({ command: '/bin/sh', args: ['-c', 'echo go; while :; do :; done'], limits: { cpu_quota: 0.2 } }));
    await hog.waitFor(/go/);
    const before = (await hog.launch.handle.stats())!;
    const t0 = performance.now();
    await sleep(1000);
    const after = (await hog.launch.handle.stats())!;
    const wallUsec = (performance.now() - t0) * 1000;
    const share = (after.cpu.usage_usec - before.cpu.usage_usec) / wallUsec;
    expect(share).toBeLessThan(0.2 * 1.25);
    expect(share).toBeGreaterThan(0.05);
    expect(after.cpu.nr_throttled).toBeGreaterThan(before.cpu.nr_throttled);
    expect(after.cpu.quota_cores).toBeCloseTo(0.2);
    await hog.launch.handle.killAll();
    await hog.exited;
    await hog.launch.handle.destroy();
  });

  it('stops a fork bomb at its pids limit and cleans it up', async () => {
    const bomb = await start(sandbox, spec({ command: '/bin/sh', args: ['-c', 'echo boom; b() { b | b & }; b; sleep 5'], limits: { max_pids: 24 } }));
    await bomb.waitFor(/boom/);
    await sleep(500);
    const stats = (await bomb.launch.handle.stats())!;
    expect(stats.pids.current).toBeLessThanOrEqual(24);
    expect(stats.pids.max).toBe(24);
    const path = bomb.launch.isolation.cgroup.path!;
    await bomb.launch.handle.killAll();
    await bomb.launch.handle.destroy();
    await bomb.exited;
    expect(existsSync(path)).toBe(false);
  });

  it('removes cgroups left by a kernel that died, killing their processes', async () => {
    const deadKernel = 999_999_99;
    const stale = await selectBackend({ mode: 'namespaces', instance: deadKernel });
    const orphan = await start(stale, spec({ command: '/bin/sh', args: ['-c', 'echo up; sleep 30'], limits: { max_pids: 8 } }));
    await orphan.waitFor(/up/);
    const path = orphan.launch.isolation.cgroup.path!;
    const removed = await sandbox.cleanupLeftovers();
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(existsSync(path)).toBe(false);
    const exit = await orphan.exited;
    expect(exit.signal).toBe('SIGKILL');
    const mine = readdirSync('/sys/fs/cgroup/pids/clove').filter((n) => n.startsWith(`agent-${deadKernel}-`));
    expect(mine).toEqual([]);
  });
});
