import { chmod, mkdir, mkdtemp, readdir, rename } from 'node:fs/promises';
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
import { mountTree, mountUnavailable, PAGE, resizeTree, treeSize, unmountTreeAsync, type TreeStorage } from './tree-storage.js';

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
  /** The directory holding the tree (`dir` is `<base>/tree`): the mount point of its tmpfs, and where restores put entries aside. */
  private base: string | null = null;
  private making: Promise<void> | null = null;
  /** What the tree is stored on; `resized` says a tmpfs could not be shrunk back after a restore yet. */
  private treeStorage: TreeStorage | null = null;
  private needsRefit = false;
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

  /** What the tree is stored on (null until it exists). */
  get storage(): TreeStorage | null {
    return this.treeStorage;
  }

  /**
   * The materialised tree, made on first use: `<tmp>/clove-world-<pid>-<name>-XXXXXX/tree`. As
   * root the parent directory is a tmpfs sized by the world's limits (tree-storage.ts), so what
   * agents write there fails with ENOSPC inside the world instead of filling the host's disk; the
   * entries a restore moves aside stay on the same mount (a rename never crosses it).
   */
  async ensureDir(owner?: Owner): Promise<string> {
    if (!this.dir) {
      this.making ??= this.makeDir().finally(() => (this.making = null));
      await this.making;
    }
    if (owner && !this.owner) {
      this.owner = owner;
      chownTreeFd(this.dirFd as number, owner);
    }
    return this.dir as string;
  }

  private async makeDir(): Promise<void> {
    // Outside the kernel's state directory: sandboxes hide that one.
    // Named with the kernel's pid: a later kernel removes the trees of one that died (kill -9).
    const base = await mkdtemp(join(tmpdir(), worldTreePrefix(this.name)));
    try {
      // Agents running as another uid pass through to the tree; nobody else lists what is beside it.
      await chmod(base, 0o711);
      this.treeStorage = await this.mountStorage(base);
      const dir = join(base, 'tree');
      await mkdir(dir, { mode: 0o755 });
      this.dirFd = openRootDir(dir);
      this.base = base;
      this.dir = dir;
    } catch (error) {
      await removeStorage(base);
      throw error;
    }
    await this.world.fs.materialise(this.ref());
  }

  /** A tmpfs at `base` sized by the world's limits, or why the tree stays on the host's disk. */
  private async mountStorage(base: string): Promise<TreeStorage> {
    const unavailable = mountUnavailable();
    if (unavailable) return { kind: 'disk', reason: unavailable };
    const size = this.wantedSize(this.world.fs);
    if (!size) return { kind: 'disk', reason: "the world's filesystem limits are unbounded (nothing to size a tmpfs by)" };
    try {
      await mountTree(base, size);
    } catch (error) {
      return { kind: 'disk', reason: `mounting a tmpfs failed: ${(error as Error).message}` };
    }
    return { kind: 'tmpfs', ...size };
  }

  private wantedSize(fs: World['fs']): { sizeBytes: number; inodes: number } | null {
    return treeSize({ limits: this.world.limits, footprint: fs.footprint(PAGE) });
  }

  /**
   * Brings the tmpfs back to the size the world's limits give (after a restore grew it), or to
   * `size` (what it was before a restore that failed).
   */
  private async refit(size = this.wantedSize(this.world.fs)): Promise<void> {
    if (this.treeStorage?.kind !== 'tmpfs' || !this.base || !size) return;
    try {
      await resizeTree(this.base, size);
      this.treeStorage = { kind: 'tmpfs', ...size };
      this.needsRefit = false;
    } catch {
      // Agents filled the grown room meanwhile: stay grown, try again after the next sync.
      this.needsRefit = true;
    }
  }

  /** Pulls what processes wrote into the world (serialised: two syncs never interleave). */
  sync(): Promise<unknown> {
    if (this.dirFd === null) return Promise.resolve();
    const ref = this.ref();
    this.syncing = this.syncing
      .then(() => this.world.fs.syncFrom(ref))
      .then(async (result) => {
        this.recordRefused(result);
        this.onSynced(result.skipped.filter((s) => s.reason.startsWith('not synced')));
        if (this.needsRefit) await this.refit();
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
    let parent: number | null = null;
    try {
      parent = ensureDirs(this.dirFd, segments, this.owner);
      if (stat.type === 'dir') closeQuietly(ensureDirs(parent, [name], this.owner));
      else writeFileAt(parent, name, fs.readFile(p), { mode: stat.mode & 0o777, owner: this.owner });
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      if (errno !== 'ENOSPC' && errno !== 'EDQUOT') throw error;
      // The tree's storage is full (agents filled it with what the world refused). The world keeps
      // its version; the tree must not hand a partial copy back to it at the next sync.
      if (parent !== null && stat.type === 'file') removeAt(parent, name);
      fs.forgetHostEntry(this.ref(), p);
      this.recordRefused({ added: [], modified: [], deleted: [], skipped: [{ path: p, reason: `not written to the tree: ${errno} (its storage is full; the world holds the file)` }] });
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
      let grown: { sizeBytes: number; inodes: number } | null = null;
      try {
        if (this.dir && this.dirFd !== null) {
          // The old entries stay (aside) until the new tree is written: for that moment the tmpfs
          // holds both, so it grows by what the snapshot's tree needs, and shrinks back after.
          const storage = this.treeStorage;
          const next = storage?.kind === 'tmpfs' ? this.wantedSize(prepared.fs) : null;
          if (storage?.kind === 'tmpfs' && next && this.base) {
            const bigger = { sizeBytes: storage.sizeBytes + next.sizeBytes, inodes: storage.inodes + next.inodes };
            await resizeTree(this.base, bigger);
            this.treeStorage = { kind: 'tmpfs', ...bigger };
            grown = { sizeBytes: storage.sizeBytes, inodes: storage.inodes };
          }
          const ref = this.ref();
          aside = await swapTree(this.dir, () => prepared.fs.materialise(ref, { owner: this.owner }));
        }
      } catch (error) {
        prepared.discard();
        if (grown) await this.refit(grown);
        if (error instanceof CloveError && !(error instanceof UnsafeEntryError) && error.code.startsWith('FS_')) throw error;
        throw new KernelError(
          ErrorCode.FS_ERROR,
          `the snapshot's tree cannot be written to ${this.dir}: ${(error as Error).message}; nothing was changed (the world and its tree are as before)`,
          { world: this.name },
        );
      }
      prepared.commit();
      if (aside) removeBeside(aside);
      if (grown) await this.refit();
    });
    this.syncing = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    this.world.close();
    const base = this.base;
    closeQuietly(this.dirFd);
    this.dirFd = null;
    this.dir = null;
    this.base = null;
    if (base) await removeStorage(base);
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
 * Removes a world's tree directory: its tmpfs is detached first (its content goes with it; an
 * agent still inside keeps its view until it leaves), then what is left is removed without
 * following links.
 */
async function removeStorage(base: string): Promise<void> {
  await unmountTreeAsync(base);
  removeBeside(base);
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
