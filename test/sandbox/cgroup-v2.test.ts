import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectCgroups } from '../../kernel/sandbox/index.js';
import { parseMountinfo } from '../../kernel/sandbox/cgroup/detect.js';
import type { CgroupDriver } from '../../kernel/sandbox/cgroup/cgroup.js';

// The v2 driver against a directory laid out like cgroupfs (this machine's v2 mount has no controllers).
let root: string;
let driver: CgroupDriver;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'clove-cgv2-'));
  writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  writeFileSync(join(root, 'cgroup.subtree_control'), '');
  const detection = await detectCgroups({ root, removeDir: (p) => rm(p, { recursive: true }) });
  driver = detection.driver!;
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (...parts: string[]) => readFileSync(join(root, ...parts), 'utf8');

describe('cgroup v2 driver (fake cgroupfs)', () => {
  it('enables controllers down to a clove parent and writes limits into a leaf', async () => {
    const leaf = await driver.create('agent-1-1-1', { memoryBytes: 64 * 1024 * 1024, cpuCores: 0.5, maxPids: 32 });
    expect(driver.version).toBe('v2');
    expect(read('cgroup.subtree_control')).toBe('+memory +cpu +pids');
    expect(read('clove', 'cgroup.subtree_control')).toBe('+memory +cpu +pids');
    expect(leaf.path).toBe(join(root, 'clove', 'agent-1-1-1'));
    expect(leaf.procsFiles).toEqual([join(root, 'clove', 'agent-1-1-1', 'cgroup.procs')]);
    expect(read('clove', 'agent-1-1-1', 'memory.max')).toBe(String(64 * 1024 * 1024));
    expect(read('clove', 'agent-1-1-1', 'memory.swap.max')).toBe('0');
    expect(read('clove', 'agent-1-1-1', 'cpu.max')).toBe('50000 100000');
    expect(read('clove', 'agent-1-1-1', 'pids.max')).toBe('32');
    expect(leaf.enforced).toEqual({ memory: true, cpu: true, pids: true });
  });

  it('does not claim a limit whose controller the hierarchy lacks', async () => {
    writeFileSync(join(root, 'cgroup.controllers'), 'cpu io\n');
    const only = (await detectCgroups({ root })).driver!;
    const leaf = await only.create('agent-1-2-1', { memoryBytes: 1024, cpuCores: 1, maxPids: 4 });
    expect(leaf.enforced).toEqual({ memory: false, cpu: true, pids: false });
    expect(existsSync(join(root, 'clove', 'agent-1-2-1', 'memory.max'))).toBe(false);
  });

  it('parses cpu, memory, pids and OOM figures from the leaf files', async () => {
    const leaf = await driver.create('agent-1-3-1', { memoryBytes: 1 << 20, cpuCores: 0.25, maxPids: 8 });
    const dir = join(root, 'clove', 'agent-1-3-1');
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\nthrottled_usec 2500\n');
    writeFileSync(join(dir, 'memory.current'), '4096\n');
    writeFileSync(join(dir, 'memory.peak'), '8192\n');
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n');
    writeFileSync(join(dir, 'pids.current'), '3\n');
    writeFileSync(join(dir, 'cgroup.events'), 'populated 1\nfrozen 0\n');
    const stats = await leaf.stats();
    expect(stats).toEqual({
      version: 'v2',
      path: dir,
      cpu: { usage_usec: 1500, nr_periods: 10, nr_throttled: 4, throttled_usec: 2500, quota_cores: 0.25 },
      memory: { current: 4096, peak: 8192, max: 1 << 20, oom_kills: 1 },
      pids: { current: 3, max: 8 },
      frozen: false,
    });
    expect(await leaf.oomKills()).toBe(1);
  });

  it('freezes and thaws through cgroup.freeze', async () => {
    const leaf = await driver.create('agent-1-4-1', { memoryBytes: null, cpuCores: null, maxPids: null });
    const dir = join(root, 'clove', 'agent-1-4-1');
    writeFileSync(join(dir, 'cgroup.events'), 'populated 1\nfrozen 1\n');
    await leaf.freeze();
    expect(read('clove', 'agent-1-4-1', 'cgroup.freeze')).toBe('1');
    expect((await leaf.stats()).frozen).toBe(true);
    await leaf.thaw();
    expect(read('clove', 'agent-1-4-1', 'cgroup.freeze')).toBe('0');
  });

  it('kills every member through cgroup.kill and removes the leaf', async () => {
    const leaf = await driver.create('agent-1-5-1', { memoryBytes: null, cpuCores: null, maxPids: null });
    const dir = join(root, 'clove', 'agent-1-5-1');
    writeFileSync(join(dir, 'cgroup.kill'), '');
    await leaf.kill('SIGKILL');
    expect(read('clove', 'agent-1-5-1', 'cgroup.kill')).toBe('1');
    await leaf.remove();
    expect(existsSync(dir)).toBe(false);
    expect(await driver.list()).toEqual([]);
  });

  it('lists only leaves under the clove parent', async () => {
    await driver.create('agent-7-1-1', { memoryBytes: null, cpuCores: null, maxPids: null });
    mkdirSync(join(root, 'other'));
    expect(await driver.list()).toEqual(['agent-7-1-1']);
  });
});

describe('cgroup detection', () => {
  it('prefers v2 only when its mount has controllers, else uses v1 hierarchies', () => {
    const mounts = parseMountinfo(
      [
        '31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
        '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
        '40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
      ].join('\n'),
    );
    expect(mounts.map((m) => [m.path, m.fstype])).toEqual([
      ['/sys/fs/cgroup/cpu', 'cgroup'],
      ['/sys/fs/cgroup/memory', 'cgroup'],
      ['/sys/fs/cgroup/unified', 'cgroup2'],
    ]);
    expect(mounts[1]?.superOptions).toContain('memory');
  });
});
