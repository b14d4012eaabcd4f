import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupDriver } from './cgroup.js';
import { CgroupV1, type V1Mounts } from './v1.js';
import { CgroupV2 } from './v2.js';

export interface DetectCgroupOptions {
  /** Use this directory as a cgroup v2 root instead of detecting (tests: a cgroupfs-shaped temp dir). */
  root?: string;
  /** Mount table to read; default `/proc/self/mountinfo`. */
  mountinfo?: string;
  /** Name of the parent directory that holds the agents' cgroups; default `clove`. */
  parentName?: string;
  /** How v2 leaves are removed (tests on a plain directory need a recursive remove). */
  removeDir?: (path: string) => Promise<void>;
}

export type CgroupDetection = { driver: CgroupDriver; reason: string } | { driver: null; reason: string };

interface Mount {
  path: string;
  fstype: string;
  superOptions: string[];
}

/** Parses /proc/self/mountinfo lines: fields before " - " then fstype, source, super options. */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const path = left.split(' ')[4];
    const [fstype, , options] = right.split(' ');
    if (!path || !fstype) continue;
    mounts.push({ path: path.replace(/\\040/g, ' '), fstype, superOptions: (options ?? '').split(',') });
  }
  return mounts;
}

const writable = (path: string): Promise<boolean> =>
  access(path, constants.W_OK).then(
    () => true,
    () => false,
  );

async function controllersOf(root: string): Promise<string[]> {
  const text = await readFile(join(root, 'cgroup.controllers'), 'utf8').catch(() => '');
  return text.trim().split(/\s+/).filter(Boolean);
}

/**
 * Finds the cgroup hierarchy Clove can use: v2 when its mount has memory/cpu/pids controllers,
 * else v1 hierarchies for memory, cpu, cpuacct, pids, freezer. Never assumes either.
 */
export async function detectCgroups(options: DetectCgroupOptions = {}): Promise<CgroupDetection> {
  const parentName = options.parentName ?? 'clove';
  if (options.root !== undefined) {
    const controllers = await controllersOf(options.root);
    return { driver: new CgroupV2(options.root, controllers, parentName, options.removeDir), reason: `cgroup v2 at ${options.root} (given)` };
  }
  const text = await readFile(options.mountinfo ?? '/proc/self/mountinfo', 'utf8').catch(() => '');
  const mounts = parseMountinfo(text);
  const v2 = mounts.find((m) => m.fstype === 'cgroup2');
  if (v2) {
    const controllers = (await controllersOf(v2.path)).filter((c) => ['memory', 'cpu', 'pids'].includes(c));
    if (controllers.length > 0) {
      if (!(await writable(v2.path))) {
        return { driver: null, reason: `cgroup v2 at ${v2.path} is not writable by uid ${process.getuid?.()} (needs root or systemd delegation)` };
      }
      return {
        driver: new CgroupV2(v2.path, controllers, parentName, options.removeDir),
        reason: `cgroup v2 at ${v2.path} with ${controllers.join(', ')}`,
      };
    }
  }
  const v1: V1Mounts = {};
  for (const m of mounts) {
    if (m.fstype !== 'cgroup') continue;
    for (const controller of ['memory', 'cpu', 'cpuacct', 'pids', 'freezer'] as const) {
      if (m.superOptions.includes(controller)) v1[controller] ??= m.path;
    }
  }
  const found = Object.keys(v1);
  if (found.length === 0) {
    return { driver: null, reason: v2 ? `cgroup v2 at ${v2.path} has no memory/cpu/pids controllers and no v1 hierarchy is mounted` : 'no cgroup filesystem is mounted' };
  }
  const probe = v1.memory ?? v1.pids ?? v1.cpu ?? Object.values(v1)[0];
  if (probe && !(await writable(probe))) {
    return { driver: null, reason: `cgroup v1 at ${probe} is not writable by uid ${process.getuid?.()}` };
  }
  return { driver: new CgroupV1(v1, parentName), reason: `cgroup v1 (${found.join(', ')})` };
}
