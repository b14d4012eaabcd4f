import { chown, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { World } from '../../worlds/index.js';
import { KernelError } from '../errors.js';
import { worldTreePrefix } from './stale-trees.js';

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
  ) {}

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
      this.dir = await mkdtemp(join(tmpdir(), worldTreePrefix(this.name)));
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
    this.syncing = this.syncing.then(() => this.world.fs.syncFrom(dir)).catch(() => undefined);
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

  /**
   * Rewinds the world to a snapshot, all or nothing: the snapshot's state is built first, then the
   * tree on disk is swapped (the old entries move aside, the snapshot's tree is written in their
   * place, in the same directory so running agents keep their working directory), and only then
   * does the world switch state. If any step fails, the old entries move back and the world is
   * left as it was. Serialised with `sync()`, so no pull from the tree interleaves.
   */
  restore(bytes: Uint8Array): Promise<void> {
    const run = this.syncing.then(async () => {
      const prepared = this.world.prepareRestore(bytes);
      let aside: string | null = null;
      try {
        if (this.dir) aside = await swapTree(this.dir, (dir) => prepared.fs.materialise(dir), this.owner);
      } catch (error) {
        prepared.discard();
        if (typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('FS_')) throw error;
        throw new KernelError(
          ErrorCode.FS_ERROR,
          `the snapshot's tree cannot be written to ${this.dir}: ${(error as Error).message}; nothing was changed (the world and its tree are as before)`,
          { world: this.name },
        );
      }
      prepared.commit();
      if (aside) await rm(aside, { recursive: true, force: true }).catch(() => undefined);
    });
    this.syncing = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    this.world.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

/**
 * Replaces the content of `dir` with what `write` puts there, keeping `dir` itself (its inode: a
 * running agent's working directory and a sandbox's bind mount stay valid). Returns the directory
 * holding the old entries (the caller removes it once committed). On failure everything moves
 * back and the error is rethrown.
 */
async function swapTree(dir: string, write: (dir: string) => Promise<void>, owner: { uid: number; gid: number } | null): Promise<string> {
  const aside = await mkdtemp(join(dirname(dir), `.${basename(dir)}-before-restore-`));
  const moved: string[] = [];
  const moveBack = async (): Promise<void> => {
    for (const name of await readdir(dir).catch(() => [] as string[])) await rm(join(dir, name), { recursive: true, force: true });
    for (const name of moved) await rename(join(aside, name), join(dir, name));
    await rm(aside, { recursive: true, force: true });
  };
  try {
    for (const name of await readdir(dir)) {
      await rename(join(dir, name), join(aside, name));
      moved.push(name);
    }
    await write(dir);
    if (owner) await chownTree(dir, owner);
    return aside;
  } catch (error) {
    await moveBack().catch(() => undefined);
    throw error;
  }
}

async function chownTree(path: string, owner: { uid: number; gid: number }): Promise<void> {
  const { readdir, lstat } = await import('node:fs/promises');
  await chown(path, owner.uid, owner.gid).catch(() => undefined);
  const stat = await lstat(path).catch(() => null);
  if (!stat?.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), owner);
}
