import { mkdir, readdir, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CPU_PERIOD_USEC, killUntilEmpty, parseKeyValues, parsePidList, readNumber, readText, readTextNow, removeDir, signalEach, sleep, writeText } from './cgroup.js';
import type { CgroupDriver, CgroupLeaf, CgroupLimits, CgroupStats, Controller } from './cgroup.js';

/** Mount points of the v1 hierarchies Clove uses; `cpu` and `cpuacct` may share one. */
export interface V1Mounts {
  memory?: string;
  cpu?: string;
  cpuacct?: string;
  pids?: string;
  freezer?: string;
}

// v1 reports "unlimited" as a huge page-aligned number, e.g. 9223372036854771712.
const V1_UNLIMITED = 2 ** 62;

/** cgroup v1: one `clove/<name>` directory per hierarchy; the launcher joins each. */
export class CgroupV1 implements CgroupDriver {
  readonly version = 'v1' as const;
  readonly controllers: ReadonlySet<Controller>;
  readonly parentPath: string;
  /** v1 hierarchies account nested groups inside their parent (memory.use_hierarchy is 1 on current Linux). */
  readonly nests = true;
  private readonly parents: string[];

  constructor(
    private readonly mounts: V1Mounts,
    private readonly parentName = 'clove',
  ) {
    const controllers = new Set<Controller>();
    if (mounts.memory) controllers.add('memory');
    if (mounts.cpu) controllers.add('cpu');
    if (mounts.pids) controllers.add('pids');
    if (mounts.freezer) controllers.add('freezer');
    this.controllers = controllers;
    this.parents = [...new Set(Object.values(mounts).filter((m): m is string => !!m))].map((m) => join(m, parentName));
    this.parentPath = this.parents.join(', ');
  }

  async create(name: string, limits: CgroupLimits): Promise<CgroupLeaf> {
    for (const parent of this.parents) await mkdir(join(parent, name), { recursive: true });
    const leaf = new V1Leaf(this.mounts, this.parentName, name);
    const enforced = { memory: false, cpu: false, pids: false };
    const { memory, cpu, pids } = this.mounts;
    if (memory && limits.memoryBytes !== null) {
      const dir = join(memory, this.parentName, name);
      await writeText(join(dir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // With swap accounting, cap memory+swap too, or the limit only moves pages to swap.
      await writeText(join(dir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
      enforced.memory = true;
    }
    if (cpu && limits.cpuCores !== null) {
      const dir = join(cpu, this.parentName, name);
      await writeText(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_USEC));
      await writeText(join(dir, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(limits.cpuCores * CPU_PERIOD_USEC))));
      enforced.cpu = true;
    }
    if (pids && limits.maxPids !== null) {
      await writeText(join(pids, this.parentName, name, 'pids.max'), String(limits.maxPids));
      enforced.pids = true;
    }
    leaf.enforced = enforced;
    return leaf;
  }

  async list(): Promise<string[]> {
    const names = new Set<string>();
    for (const parent of this.parents) {
      const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) if (entry.isDirectory()) names.add(entry.name);
    }
    return [...names];
  }

  open(name: string): CgroupLeaf {
    return new V1Leaf(this.mounts, this.parentName, name);
  }
}

class V1Leaf implements CgroupLeaf {
  readonly version = 'v1' as const;
  readonly path: string;
  readonly procsFiles: string[];
  readonly canFreeze: boolean;
  enforced: Record<'memory' | 'cpu' | 'pids', boolean> = { memory: false, cpu: false, pids: false };
  private readonly dirs: string[];

  constructor(
    private readonly mounts: V1Mounts,
    private readonly parentName: string,
    readonly name: string,
  ) {
    this.dirs = [...new Set(Object.values(mounts).filter((m): m is string => !!m))].map((m) => join(m, parentName, name));
    this.procsFiles = this.dirs.map((dir) => join(dir, 'cgroup.procs'));
    this.path = this.dir('memory') ?? this.dirs[0] ?? '';
    this.canFreeze = mounts.freezer !== undefined;
  }

  private dir(controller: keyof V1Mounts): string | undefined {
    const mount = this.mounts[controller];
    return mount === undefined ? undefined : join(mount, this.parentName, this.name);
  }

  async pids(): Promise<number[]> {
    return [...new Set(this.procsFiles.flatMap((file) => parsePidList(readTextNow(file))))];
  }

  async oomKills(): Promise<number> {
    const memory = this.dir('memory');
    if (!memory) return 0;
    return parseKeyValues(readTextNow(join(memory, 'memory.oom_control'))).get('oom_kill') ?? 0;
  }

  async stats(): Promise<CgroupStats> {
    const memory = this.dir('memory');
    const cpu = this.dir('cpu');
    const cpuacct = this.dir('cpuacct');
    const pids = this.dir('pids');
    const cpuStat = parseKeyValues(cpu ? await readText(join(cpu, 'cpu.stat')) : null);
    const quota = cpu ? await readNumber(join(cpu, 'cpu.cfs_quota_us')) : null;
    const period = cpu ? await readNumber(join(cpu, 'cpu.cfs_period_us')) : null;
    const usageNs = cpuacct ? await readNumber(join(cpuacct, 'cpuacct.usage')) : null;
    const max = memory ? await readNumber(join(memory, 'memory.limit_in_bytes')) : null;
    const pidsMax = pids ? await readText(join(pids, 'pids.max')) : null;
    const freezer = this.dir('freezer');
    const state = freezer ? await readText(join(freezer, 'freezer.state')) : null;
    return {
      version: 'v1',
      path: this.path,
      cpu: {
        usage_usec: usageNs === null ? 0 : Math.round(usageNs / 1000),
        nr_periods: cpuStat.get('nr_periods') ?? 0,
        nr_throttled: cpuStat.get('nr_throttled') ?? 0,
        throttled_usec: Math.round((cpuStat.get('throttled_time') ?? 0) / 1000),
        quota_cores: quota !== null && quota > 0 && period ? quota / period : null,
      },
      memory: {
        current: (memory ? await readNumber(join(memory, 'memory.usage_in_bytes')) : null) ?? 0,
        peak: memory ? await readNumber(join(memory, 'memory.max_usage_in_bytes')) : null,
        max: max === null || max >= V1_UNLIMITED ? null : max,
        oom_kills: await this.oomKills(),
      },
      pids: {
        current: (pids ? await readNumber(join(pids, 'pids.current')) : null) ?? 0,
        max: pidsMax === null || pidsMax.trim() === 'max' ? null : Number(pidsMax.trim()),
      },
      frozen: state?.trim() === 'FROZEN',
    };
  }

  async freeze(): Promise<void> {
    const freezer = this.dir('freezer');
    if (!freezer) return;
    await writeText(join(freezer, 'freezer.state'), 'FROZEN');
    for (let i = 0; i < 100; i++) {
      if ((await readText(join(freezer, 'freezer.state')))?.trim() !== 'FREEZING') return;
      await sleep(5);
    }
  }

  async thaw(): Promise<void> {
    const freezer = this.dir('freezer');
    if (freezer) await writeText(join(freezer, 'freezer.state'), 'THAWED');
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    // Freeze first so nothing forks between reading the list and signalling it.
    const frozen = signal === 'SIGKILL' && this.canFreeze;
    if (frozen) await this.freeze().catch(() => undefined);
    signalEach(await this.pids(), signal);
    if (frozen) await this.thaw().catch(() => undefined);
  }

  /**
   * Kills this group's processes and removes its directories. A directory that still holds a
   * nested child agent's group stays until that child's group is removed (which removes it then).
   */
  async remove(): Promise<void> {
    await killUntilEmpty(this);
    // One directory per controller hierarchy, independent of each other: removed together.
    await Promise.all(
      this.dirs.map(async (dir) => {
        if ((await subdirectories(dir)).length > 0) {
          released.add(dir);
          return;
        }
        await removeDir(dir, rmdir);
        await removeReleasedParents(dir);
      }),
    );
  }

  /** Removes this group and every group nested in it (a dead kernel's leftovers). */
  async removeTree(): Promise<void> {
    const nested = new Set<string>();
    for (const dir of this.dirs) for (const sub of await subdirectories(dir)) nested.add(sub);
    for (const sub of nested) await new V1Leaf(this.mounts, this.parentName, `${this.name}/${sub}`).removeTree();
    await this.remove();
  }
}

/** Directories whose agent ended while a nested child's group was still inside. */
const released = new Set<string>();

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

async function removeReleasedParents(dir: string): Promise<void> {
  for (let parent = dirname(dir); released.has(parent); parent = dirname(parent)) {
    if ((await subdirectories(parent)).length > 0) return;
    released.delete(parent);
    await removeDir(parent, rmdir).catch(() => undefined);
  }
}
