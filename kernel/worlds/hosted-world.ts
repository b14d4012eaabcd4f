import { mkdtemp, readdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { SyncResult, World } from '../../worlds/index.js';
import {
  chownTreeFd,
  closeQuietly,
  ensureDirs,
  openDirAt,
  openRootDir,
  readdirFd,
  removeAt,
  UnsafeEntryError,
  writeFileAt,
  type Owner,
} from '../../worlds/fs/host-dir.js';
import { worldPath } from '../../worlds/fs/path.js';
import { CloveError } from '../../sdk/errors.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { worldTreePrefix } from './stale-trees.js';

/**
 * A world inside the kernel: the engine's World plus the agents that joined it and, once a
 * process needs one, a host directory holding the world's tree for plain file I/O. What a
 * process writes there is pulled back into the world (`sync`) before the kernel looks at it.
 *
 * The kernel runs as root and agents own that directory, so every operation on it goes through a
 * descriptor held from creation on and never follows a link (worlds/fs/host-dir.ts): a symlink an
 * agent plants where the kernel will write, mkdir or chown makes the kernel replace the link, not
 * reach what it points to.
 */
export class HostedWorld {
  readonly members = new Set<number>();
  readonly createdAt = Date.now();
  private dir: string | null = null;
  /** Descriptor of `dir`, held while the world lives: renaming or replacing the path changes nothing. */
  private dirFd: number | null = null;
  /** Owner for files in the directory when sandboxed agents (another uid) must write there. */
  private owner: Owner | null = null;
  private syncing: Promise<unknown> = Promise.resolve();
  /** Entries sync left out and already put on the timeline (path + reason). */
  private readonly refused = new Set<string>();

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
  async ensureDir(owner?: Owner): Promise<string> {
    if (!this.dir) {
      // Outside the kernel's state directory: sandboxes hide that one.
      // Named with the kernel's pid: a later kernel removes the trees of one that died (kill -9).
      const dir = await mkdtemp(join(tmpdir(), worldTreePrefix(this.name)));
      this.dirFd = openRootDir(dir);
      this.dir = dir;
      await this.world.fs.materialise(this.ref());
    }
    if (owner && !this.owner) {
      this.owner = owner;
      chownTreeFd(this.dirFd as number, owner);
    }
    return this.dir;
  }

  /** Pulls what processes wrote into the world (serialised: two syncs never interleave). */
  sync(): Promise<unknown> {
    if (this.dirFd === null) return Promise.resolve();
    const ref = this.ref();
    this.syncing = this.syncing
      .then(() => this.world.fs.syncFrom(ref))
      .then((result) => {
        this.recordRefused(result);
        this.onSynced(result.skipped.filter((s) => s.reason.startsWith('not synced')));
      })
      .catch(() => undefined);
    return this.syncing;
  }

  /** Mirrors one world path into the directory after the kernel changed it (syscall or event). */
  async writeThrough(path: string): Promise<void> {
    if (this.dirFd === null) return;
    const p = worldPath(path);
    if (p === '/') return;
    const segments = p.split('/').filter(Boolean);
    const name = segments.pop() as string;
    const fs = this.world.fs;
    if (!fs.exists(p)) {
      const parent = this.openExisting(segments);
      if (parent === null) return;
      try {
        removeAt(parent, name);
      } finally {
        closeQuietly(parent);
      }
      return;
    }
    const stat = fs.stat(p);
    const parent = ensureDirs(this.dirFd, segments, this.owner);
    try {
      if (stat.type === 'dir') closeQuietly(ensureDirs(parent, [name], this.owner));
      else writeFileAt(parent, name, fs.readFile(p), { mode: stat.mode & 0o777, owner: this.owner });
    } finally {
      closeQuietly(parent);
    }
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
        if (this.dir && this.dirFd !== null) {
          const ref = this.ref();
          aside = await swapTree(this.dir, () => prepared.fs.materialise(ref, { owner: this.owner }));
        }
      } catch (error) {
        prepared.discard();
        if (error instanceof CloveError && !(error instanceof UnsafeEntryError) && error.code.startsWith('FS_')) throw error;
        throw new KernelError(
          ErrorCode.FS_ERROR,
          `the snapshot's tree cannot be written to ${this.dir}: ${(error as Error).message}; nothing was changed (the world and its tree are as before)`,
          { world: this.name },
        );
      }
      prepared.commit();
      if (aside) removeBeside(aside);
    });
    this.syncing = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    this.world.close();
    const dir = this.dir;
    closeQuietly(this.dirFd);
    this.dirFd = null;
    this.dir = null;
    if (dir) removeBeside(dir);
  }

  private ref(): { path: string; fd: number } {
    return { path: this.dir as string, fd: this.dirFd as number };
  }

  /** The existing directory at `segments` (no links followed), or null when it is not there. */
  private openExisting(segments: string[]): number | null {
    let fd = ensureDirs(this.dirFd as number, [], null);
    for (const name of segments) {
      let next: number;
      try {
        next = openDirAt(fd, name);
      } catch (error) {
        closeQuietly(fd);
        if (error instanceof UnsafeEntryError || (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      closeQuietly(fd);
      fd = next;
    }
    return fd;
  }

  /** Puts what a sync left out on the world's timeline (`fs.refused`), once per path and reason. */
  private recordRefused(result: SyncResult): void {
    for (const { path, reason } of result.skipped) {
      const key = `${path}\0${reason}`;
      if (this.refused.has(key)) continue;
      this.refused.add(key);
      try {
        this.world.inject('fs.refused', { path, reason });
      } catch {
        // the world closed meanwhile
      }
    }
  }
}

/**
 * Replaces the content of `dir` with what `write` puts there, keeping `dir` itself (its inode: a
 * running agent's working directory and a sandbox's bind mount stay valid). Returns the directory
 * holding the old entries (the caller removes it once committed). On failure everything moves
 * back and the error is rethrown. `rename` and `rm` act on the entries themselves, never on what a
 * link among them points to.
 */
async function swapTree(dir: string, write: () => Promise<void>): Promise<string> {
  const aside = await mkdtemp(join(dirname(dir), `.${basename(dir)}-before-restore-`));
  const moved: string[] = [];
  const moveBack = async (): Promise<void> => {
    removeBeside(dir, true);
    for (const name of moved) await rename(join(aside, name), join(dir, name));
    removeBeside(aside);
  };
  try {
    for (const name of await readdir(dir)) {
      await rename(join(dir, name), join(aside, name));
      moved.push(name);
    }
    await write();
    return aside;
  } catch (error) {
    await moveBack().catch(() => undefined);
    throw error;
  }
}

/**
 * Removes `path` (or, with `contentOnly`, what is in it) through descriptors, entry by entry, never
 * following a link: agents may still hold directories of a world tree open and swap entries for
 * links while the kernel removes them. Failures are ignored (already gone).
 */
function removeBeside(path: string, contentOnly = false): void {
  let fd: number | null = null;
  try {
    if (contentOnly) {
      fd = openRootDir(path);
      for (const name of readdirFd(fd)) removeAt(fd, name);
    } else {
      fd = openRootDir(dirname(path));
      removeAt(fd, basename(path));
    }
  } catch {
    // already gone
  } finally {
    closeQuietly(fd);
  }
}
