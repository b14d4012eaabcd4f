import { chown, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { World } from '../../worlds/index.js';

/**
 * A world inside the kernel: the engine's World plus the agents that joined it and, once a
 * process needs one, a host directory holding the world's tree for plain file I/O. What a
 * process writes there is pulled back into the world (`sync`) before the kernel looks at it.
 */
export class HostedWorld {
  readonly members = new Set<number>();
  readonly createdAt = Date.now();
  private dir: string | null = null;
  /** Owner for files in the directory when sandboxed agents (another uid) must write there. */
  private owner: { uid: number; gid: number } | null = null;
  private syncing: Promise<unknown> = Promise.resolve();

  constructor(
    public world: World,
    readonly source: string | null,
    /** Told after each sync what it refused (files over the world's limits). */
    private readonly onSynced: (skipped: Array<{ path: string; reason: string }>) => void = () => undefined,
  ) {}

  /** After a change through the kernel: lets the kernel compare the world's use with its limits. */
  reportUsage(): void {
    this.onSynced([]);
  }

  get name(): string {
    return this.world.name;
  }

  get directory(): string | null {
    return this.dir;
  }

  /** The materialised tree, made on first use. */
  async ensureDir(owner?: { uid: number; gid: number }): Promise<string> {
    if (!this.dir) {
      // Outside the kernel's state directory: sandboxes hide that one.
      this.dir = await mkdtemp(join(tmpdir(), `clove-world-${this.name.replace(/[^\w.-]/g, '_')}-`));
      await this.world.fs.materialise(this.dir);
    }
    if (owner && !this.owner) {
      this.owner = owner;
      await chownTree(this.dir, owner);
    }
    return this.dir;
  }

  /** Pulls what processes wrote into the world (serialised: two syncs never interleave). */
  sync(): Promise<unknown> {
    if (!this.dir) return Promise.resolve();
    const dir = this.dir;
    this.syncing = this.syncing
      .then(() => this.world.fs.syncFrom(dir))
      .then((result) => this.onSynced(result.skipped.filter((s) => s.reason.startsWith('not synced'))))
      .catch(() => undefined);
    return this.syncing;
  }

  /** Mirrors one world path into the directory after the kernel changed it (syscall or event). */
  async writeThrough(path: string): Promise<void> {
    if (!this.dir) return;
    const host = join(this.dir, ...path.split('/').filter(Boolean));
    const fs = this.world.fs;
    if (!fs.exists(path)) {
      await rm(host, { recursive: true, force: true });
      return;
    }
    const stat = fs.stat(path);
    if (stat.type === 'dir') await mkdir(host, { recursive: true });
    else {
      await mkdir(dirname(host), { recursive: true });
      await writeFile(host, fs.readFile(path), { mode: stat.mode & 0o777 });
    }
    if (this.owner) await chownTree(host, this.owner);
  }

  /** Rewrites the whole directory from the world (after an in-place restore). */
  async rematerialise(): Promise<void> {
    if (!this.dir) return;
    await this.world.fs.materialise(this.dir);
    if (this.owner) await chownTree(this.dir, this.owner);
  }

  async dispose(): Promise<void> {
    this.world.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

async function chownTree(path: string, owner: { uid: number; gid: number }): Promise<void> {
  const { readdir, lstat } = await import('node:fs/promises');
  await chown(path, owner.uid, owner.gid).catch(() => undefined);
  const stat = await lstat(path).catch(() => null);
  if (!stat?.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), owner);
}
