import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { useTestKernel } from '../helpers/kernel.js';
import { cgroupDirsOf, exampleAgent, leafOf, missing, processesOf, sandboxFixture } from './helpers.js';
import { textOf, waitForLine } from '../helpers/agent-logs.js';
import { sleep } from '../helpers/wait.js';

// Cgroup limits through SPAWN, measured from the agent's cgroup (METRICS_CGROUP) and its record.

let c: CloveClient;
const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
});

const noMemory = missing('memory');
describe.skipIf(noMemory)(`memory limit${noMemory ? ` (skipped: ${noMemory})` : ''}`, () => {
  it('kills a memory hog at limits.memory, records oom_killed, and keeps a healthy agent running', async () => {
    const healthy = await c.spawn({ script: sandboxFixture('counter.py'), name: 'healthy', sandboxed: true, limits: { memory: '64M' } });
    const hog = await c.spawn({ script: exampleAgent('memory-hog.py'), name: 'mem-hog', sandboxed: true, limits: { memory: '48M' } });
    expect(hog.isolation.limits.memory).toMatchObject({ requested: 48 * 1024 * 1024, enforced: true });

    const ended = await c.wait(hog.id, 20_000);
    const logs = await c.logs(hog.id);
    expect(ended.oomKilled, textOf(logs)).toBe(true);
    expect(ended.signal).toBe('SIGKILL');
    expect(ended.endReason).toBe('oom'); // why it ended, not only the signal
    expect(ended.state).toBe('killed'); // a signal ended it
    // It got close to the limit before the kill, and never past it.
    const allocated = logs.lines.map((l) => /allocated (\d+) MiB/.exec(l.text)?.[1]).filter(Boolean).map(Number);
    expect(Math.max(...allocated)).toBeGreaterThanOrEqual(16);
    expect(Math.max(...allocated)).toBeLessThanOrEqual(48);

    const before = (await c.logs(healthy.id)).nextSeq;
    await sleep(300);
    const [record] = (await c.list()).filter((a) => a.id === healthy.id);
    expect(record?.state).toBe('running');
    expect(record?.oomKilled).toBe(false);
    expect((await c.logs(healthy.id)).nextSeq).toBeGreaterThan(before);
    await c.kill(healthy.id, { signal: 'SIGKILL' });
  });
});

const noCpu = missing('cpu');
describe.skipIf(noCpu)(`cpu quota${noCpu ? ` (skipped: ${noCpu})` : ''}`, () => {
  it('holds a CPU hog with cpu_quota 0.2 to its quota and counts the throttling', async () => {
    const hog = await c.spawn({ script: sandboxFixture('cpu-hog.py'), name: 'cpu-hog', sandboxed: true, limits: { cpuQuota: 0.2 } });
    expect(hog.isolation.limits.cpu).toMatchObject({ requested: 0.2, enforced: true });
    await waitForLine(c, hog.id, /spinning/);
    const first = (await c.cgroupMetrics(hog.id)).cpu;
    const t0 = performance.now();
    await sleep(1500);
    const second = (await c.cgroupMetrics(hog.id)).cpu;
    const wall = (performance.now() - t0) * 1000;
    const share = (second.usageUsec - first.usageUsec) / wall;
    expect(second.quotaCores).toBeCloseTo(0.2);
    // One period of slack: the window's edges need not line up with CFS periods.
    expect(share).toBeLessThanOrEqual(0.2 + 100_000 / wall + 0.02);
    expect(share).toBeGreaterThan(0.05);
    expect(second.nrThrottled - first.nrThrottled).toBeGreaterThan(0);
    expect(second.throttledUsec).toBeGreaterThan(0);
    await c.kill(hog.id, { signal: 'SIGKILL' });
  });
});

const noPids = missing('pids');
describe.skipIf(noPids)(`pids limit${noPids ? ` (skipped: ${noPids})` : ''}`, () => {
  it('stops a fork bomb at max_pids while the kernel stays responsive, and leaves nothing after the kill', async () => {
    const bomb = await c.spawn({ script: exampleAgent('fork-bomb.py'), name: 'fork-bomb', sandboxed: true, limits: { maxPids: 16, cpuQuota: 0.5 } });
    expect(bomb.isolation.limits.pids).toMatchObject({ requested: 16, enforced: true });
    await waitForLine(c, bomb.id, /fork failed: Resource temporarily unavailable/);

    // Responsiveness as behaviour, not as a latency figure (noisy machines): every call is
    // answered while the bomb runs. Latencies are reported by examples/sandbox/fault-isolation.ts.
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      expect(await c.call('NOOP', { i }, { timeoutMs: 5000 })).toEqual({ i });
      const pids = (await c.cgroupMetrics(bomb.id)).pids as { current: number; max: number };
      peak = Math.max(peak, pids.current);
      expect(pids.max).toBe(16);
      await sleep(25);
    }
    expect(peak).toBe(16);

    const leaf = leafOf(bomb.isolation.cgroup.path);
    expect(processesOf(process.pid, leaf).length).toBeGreaterThanOrEqual(14);
    await c.kill(bomb.id, { signal: 'SIGKILL' });
    const ended = await c.wait(bomb.id, 5000);
    expect(ended.state).toBe('killed');
    const leftovers = () => processesOf(process.pid, leaf).length + cgroupDirsOf(process.pid, leaf).length;
    for (let i = 0; i < 40 && leftovers() > 0; i++) await sleep(50);
    expect(processesOf(process.pid, leaf)).toEqual([]);
    expect(cgroupDirsOf(process.pid, leaf)).toEqual([]);
  });
});
