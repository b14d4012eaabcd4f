import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

/** Limits as the cgroup drivers take them: plain numbers, `null` for "no limit". */
export interface CgroupLimits {
  /** Hard memory limit in bytes. */
  memoryBytes: number | null;
  /** CPU quota in cores (0.5 = half of one core). */
  cpuCores: number | null;
  /** Maximum number of tasks (processes and threads). */
  maxPids: number | null;
}

/** What METRICS_CGROUP (0xC3) returns for one agent; snake_case because it is wire data. */
export interface CgroupStats {
  version: 'v1' | 'v2';
  path: string;
  cpu: {
    usage_usec: number;
    nr_periods: number;
    nr_throttled: number;
    throttled_usec: number;
    /** Enforced quota in cores, or null when unlimited. */
    quota_cores: number | null;
  };
  memory: { current: number; peak: number | null; max: number | null; oom_kills: number };
  pids: { current: number; max: number | null };
  frozen: boolean;
}

export type Controller = 'memory' | 'cpu' | 'pids' | 'freezer';

/** One agent's cgroup (a leaf on v2, one directory per hierarchy on v1). */
export interface CgroupLeaf {
  readonly version: 'v1' | 'v2';
  readonly name: string;
  /** Display path (the memory hierarchy's directory on v1). */
  readonly path: string;
  /** Files the launcher writes "0" into, so the launcher joins before the agent's code runs. */
  readonly procsFiles: readonly string[];
  /** Which limits were written and are in force. */
  readonly enforced: Readonly<Record<'memory' | 'cpu' | 'pids', boolean>>;
  readonly canFreeze: boolean;
  pids(): Promise<number[]>;
  stats(): Promise<CgroupStats>;
  oomKills(): Promise<number>;
  /** Freezes every task; resolves when the kernel reports the group frozen (or after a short wait). */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Signals every task in the group (v2 SIGKILL: `cgroup.kill`). */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Kills what is left and removes the directories. Idempotent. */
  remove(): Promise<void>;
  /** Also removes groups nested inside (cleanup of a dead kernel's leftovers); default `remove`. */
  removeTree?(): Promise<void>;
}

/** A cgroup hierarchy (v1 or v2) with a `clove` parent directory that holds the agents' leaves. */
export interface CgroupDriver {
  readonly version: 'v1' | 'v2';
  /** Controllers that limits can be enforced with. */
  readonly controllers: ReadonlySet<Controller>;
  /** Human-readable location of the `clove` parent, for the status report. */
  readonly parentPath: string;
  /** True when a leaf can be created inside another leaf and is counted inside it (child agents). */
  readonly nests?: boolean;
  create(name: string, limits: CgroupLimits): Promise<CgroupLeaf>;
  /** Leaf names currently under the `clove` parent. */
  list(): Promise<string[]>;
  open(name: string): CgroupLeaf;
}

export const CPU_PERIOD_USEC = 100_000;

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Reads a control file synchronously, for the agent's exit path (its pids, its OOM count):
 * cgroupfs files are generated in memory and answer in microseconds, while a read through the
 * thread pool waits behind whatever file work the kernel has queued (a world sync), which put
 * milliseconds on every exit. Periodic reads (stats) stay asynchronous.
 */
export function readTextNow(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export async function readNumber(path: string): Promise<number | null> {
  const text = await readText(path);
  if (text === null) return null;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : null;
}

export async function writeText(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}

/** Parses `key value` lines (cpu.stat, memory.events, memory.oom_control). */
export function parseKeyValues(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  if (text === null) return out;
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^-?\d+$/.test(value)) out.set(key, Number(value));
  }
  return out;
}

export function parsePidList(text: string | null): number[] {
  if (text === null) return [];
  return text
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

export function signalEach(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGKILLs a group's processes until none is left (about 1 s at most). Right after an agent's exit
 * what is left is usually on its way out (its sandbox's init): the first milliseconds signal the
 * listed pids and look again soon; after that the group's own kill, which freezes it first so
 * nothing forks between listing and signalling.
 */
export async function killUntilEmpty(group: { pids(): Promise<number[]>; kill(signal: NodeJS.Signals): Promise<void> }): Promise<void> {
  for (let waited = 0, step = 1; waited < 1000; waited += step, step = Math.min(step * 2, 10)) {
    const pids = await group.pids();
    if (pids.length === 0) return;
    if (waited < 8) signalEach(pids, 'SIGKILL');
    else await group.kill('SIGKILL');
    await sleep(step);
  }
}

/** Retries `rmdir` while the kernel still tears the group down (EBUSY right after the last exit). */
export async function removeDir(path: string, rmdir: (path: string) => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(path);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 50) throw error;
      await sleep(10);
    }
  }
}
