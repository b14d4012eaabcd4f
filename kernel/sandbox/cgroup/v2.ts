import { access, mkdir, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CPU_PERIOD_USEC, killUntilEmpty, parseKeyValues, parsePidList, readNumber, readText, readTextNow, removeDir, signalEach, sleep, writeText } from './cgroup.js';
import type { CgroupDriver, CgroupLeaf, CgroupLimits, CgroupStats, Controller } from './cgroup.js';

const WANTED = ['memory', 'cpu', 'pids'] as const;

/**
 * cgroup v2: agents live in leaves `<base>/<parent>/<name>`; the parent holds no process, so the
 * "no internal processes" rule is kept. `base` is the mount root, or a delegated subtree.
 */
export class CgroupV2 implements CgroupDriver {
  readonly version = 'v2' as const;
  readonly controllers: ReadonlySet<Controller>;
  readonly parentPath: string;
  private prepared = false;

  /** `available`: the controllers listed in `<base>/cgroup.controllers`. */
  constructor(
    private readonly base: string,
    available: readonly string[],
    private readonly parentName = 'clove',
    private readonly removeLeafDir: (path: string) => Promise<void> = rmdir,
  ) {
    const controllers = new Set<Controller>(WANTED.filter((c) => available.includes(c)));
    controllers.add('freezer');
    this.controllers = controllers;
    this.parentPath = join(base, parentName);
  }

  private async prepareParent(): Promise<void> {
    if (this.prepared) return;
    const enable = WANTED.filter((c) => this.controllers.has(c))
      .map((c) => `+${c}`)
      .join(' ');
    await mkdir(this.parentPath, { recursive: true });
    if (enable) {
      await writeText(join(this.base, 'cgroup.subtree_control'), enable);
      await writeText(join(this.parentPath, 'cgroup.subtree_control'), enable);
    }
    this.prepared = true;
  }

  async create(name: string, limits: CgroupLimits): Promise<CgroupLeaf> {
    await this.prepareParent();
    const dir = join(this.parentPath, name);
    await mkdir(dir);
    const enforced = { memory: false, cpu: false, pids: false };
    if (limits.memoryBytes !== null && this.controllers.has('memory')) {
      await writeText(join(dir, 'memory.max'), String(limits.memoryBytes));
      // Without this, pages beyond the limit go to swap instead of triggering the OOM killer.
      await writeText(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      enforced.memory = true;
    }
    if (limits.cpuCores !== null && this.controllers.has('cpu')) {
      const quota = Math.max(1000, Math.round(limits.cpuCores * CPU_PERIOD_USEC));
      await writeText(join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_USEC}`);
      enforced.cpu = true;
    }
    if (limits.maxPids !== null && this.controllers.has('pids')) {
      await writeText(join(dir, 'pids.max'), String(limits.maxPids));
      enforced.pids = true;
    }
    return new V2Leaf(dir, name, enforced, this.removeLeafDir);
  }

  async list(): Promise<string[]> {
    const entries = await readdir(this.parentPath, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  }

  open(name: string): CgroupLeaf {
    return new V2Leaf(join(this.parentPath, name), name, { memory: false, cpu: false, pids: false }, this.removeLeafDir);
  }
}

function parseMax(text: string | null): number | null {
  if (text === null) return null;
  const value = text.trim();
  return value === 'max' || value === '' ? null : Number(value);
}

class V2Leaf implements CgroupLeaf {
  readonly version = 'v2' as const;
  readonly procsFiles: string[];
  readonly canFreeze = true;

  constructor(
    readonly path: string,
    readonly name: string,
    readonly enforced: Record<'memory' | 'cpu' | 'pids', boolean>,
    private readonly removeLeafDir: (path: string) => Promise<void>,
  ) {
    this.procsFiles = [join(path, 'cgroup.procs')];
  }

  private file(name: string): string {
    return join(this.path, name);
  }

  async pids(): Promise<number[]> {
    return parsePidList(readTextNow(this.file('cgroup.procs')));
  }

  async oomKills(): Promise<number> {
    return parseKeyValues(readTextNow(this.file('memory.events'))).get('oom_kill') ?? 0;
  }

  async stats(): Promise<CgroupStats> {
    const cpuStat = parseKeyValues(await readText(this.file('cpu.stat')));
    const [quota, period] = ((await readText(this.file('cpu.max'))) ?? 'max').trim().split(/\s+/);
    const events = parseKeyValues(await readText(this.file('cgroup.events')));
    return {
      version: 'v2',
      path: this.path,
      cpu: {
        usage_usec: cpuStat.get('usage_usec') ?? 0,
        nr_periods: cpuStat.get('nr_periods') ?? 0,
        nr_throttled: cpuStat.get('nr_throttled') ?? 0,
        throttled_usec: cpuStat.get('throttled_usec') ?? 0,
        quota_cores: quota && quota !== 'max' && period ? Number(quota) / Number(period) : null,
      },
      memory: {
        current: (await readNumber(this.file('memory.current'))) ?? 0,
        peak: await readNumber(this.file('memory.peak')),
        max: parseMax(await readText(this.file('memory.max'))),
        oom_kills: await this.oomKills(),
      },
      pids: {
        current: (await readNumber(this.file('pids.current'))) ?? 0,
        max: parseMax(await readText(this.file('pids.max'))),
      },
      frozen: events.get('frozen') === 1,
    };
  }

  async freeze(): Promise<void> {
    await writeText(this.file('cgroup.freeze'), '1');
    for (let i = 0; i < 100; i++) {
      if (parseKeyValues(await readText(this.file('cgroup.events'))).get('frozen') === 1) return;
      await sleep(5);
    }
  }

  async thaw(): Promise<void> {
    await writeText(this.file('cgroup.freeze'), '0');
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (signal === 'SIGKILL') {
      const hasKill = await access(this.file('cgroup.kill')).then(
        () => true,
        () => false,
      );
      if (hasKill) {
        await writeText(this.file('cgroup.kill'), '1');
        return;
      }
    }
    signalEach(await this.pids(), signal);
  }

  async remove(): Promise<void> {
    await killUntilEmpty(this);
    await removeDir(this.path, this.removeLeafDir);
  }
}
