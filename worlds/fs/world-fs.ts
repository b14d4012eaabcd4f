import { createHash } from 'node:crypto';
import { fchownSync, mkdirSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { Volume } from 'memfs';
import { FsError, FsNotFoundError, WorldQuotaError } from '../errors.js';
import type { CapturedFile, CapturedLayer, LayerEntry, ReadonlyLayer } from './layer.js';
import { MemoryLayer } from './memory-layer.js';
import {
  closeQuietly,
  ensureDirAt,
  errnoOf,
  lstatAt,
  O_RDONLY,
  openDirAt,
  openRegularAt,
  openRootDir,
  readAll,
  readdirFd,
  removeAt,
  UnsafeEntryError,
  writeFileAt,
  type Owner,
} from './host-dir.js';
import { ancestorsAndSelf, baseName, isWithin, joinPath, parentOf, worldPath } from './path.js';

/** `stat()` of a world path; `layer` says where the visible version lives. */
export interface WorldStat extends LayerEntry {
  path: string;
  /** `upper` (written in this world), `restored` (from a snapshot), or a lower layer's name. */
  layer: string;
}

/** Files that differ from the lower layers (what agents changed), sorted. */
export interface FsDiff {
  added: string[];
  modified: string[];
  deleted: string[];
}

/**
 * A host directory already opened by the caller: `fd` is used for every operation, `path` names it
 * (and keys what the world remembers of it). The caller keeps the descriptor open and closes it.
 */
export interface HostDirRef {
  path: string;
  fd: number;
}

function openHostDir(hostDir: string | HostDirRef, create: boolean): { key: string; rootfd: number; close: () => void } {
  if (typeof hostDir !== 'string') return { key: hostDir.path, rootfd: hostDir.fd, close: () => undefined };
  const key = resolve(hostDir);
  if (create) mkdirSync(key, { recursive: true });
  const rootfd = openRootDir(key);
  return { key, rootfd, close: () => closeQuietly(rootfd) };
}

/** What {@link WorldFs.syncFrom} brought back from a host directory. */
export interface SyncResult extends FsDiff {
  /** Host entries ignored: symlinks, sockets, FIFOs, devices. */
  skipped: Array<{ path: string; reason: string }>;
}

export interface WriteOptions {
  /** Permission bits for a new file (default 0o644, or the mode of the file it replaces). */
  mode?: number;
  append?: boolean;
  /** Create missing parent directories (default false, like POSIX). */
  parents?: boolean;
}

/**
 * What a world's filesystem may hold beyond its lower layers (what was written or restored):
 * entries (files and directories), apparent bytes, and the largest file.
 */
export interface FsLimits {
  files: number;
  bytes: number;
  largestFile: number;
}

export const UNLIMITED_FS: Readonly<FsLimits> = Object.freeze({ files: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY, largestFile: Number.POSITIVE_INFINITY });

/** The filesystem part of a world snapshot. */
export interface FsCapture {
  /** Lower layers by content, top first. */
  lowers: CapturedLayer[];
  /** Everything written above the lowers (upper and restored content, flattened). */
  changes: CapturedLayer;
  /** Paths hidden in the lowers (deleted files and directories). */
  whiteouts: string[];
}

/** Upper-layer metadata kept beside memfs, so lookups never go through memfs's (slow, throwing) stat path. */
interface UpperEntry {
  type: 'file' | 'dir';
  mode: number;
  size: number;
}

/** Contents of every upper file, fetched from memfs in one call for whole-tree walks. */
type UpperContents = Record<string, string | Buffer | null>;

/**
 * A world's layered filesystem: a writable memfs upper layer with whiteouts over read-only layers.
 *
 * Order, top first: upper (memfs) → whiteouts → restored content (from a snapshot, frozen) →
 * lower whiteouts → lower layers (inline files, then mounts, last mount first). A write below a
 * directory that exists only in a lower layer creates the directory in the upper layer (copy-up);
 * lower layers have no write methods, so nothing writes through. Deleting a lower file records a
 * whiteout that hides it. Paths are world-absolute and cannot leave the world root.
 *
 * @example
 * world.fs.writeFile('/project/notes.txt', 'hello');
 * world.fs.readFile('/project/notes.txt').toString(); // 'hello'
 * world.fs.diff(); // { added: ['/project/notes.txt'], modified: [], deleted: [] }
 */
export class WorldFs {
  readonly #lowers: ReadonlyLayer[];
  #restored: MemoryLayer;
  #lowerWhiteouts: Set<string>;
  #whiteouts = new Set<string>();
  #upper = new Volume();
  /** Mirror of what the upper layer holds (types, modes, sizes and children). */
  #upperIndex = new Map<string, UpperEntry>([['/', { type: 'dir', mode: 0o755, size: 0 }]]);
  #upperChildren = new Map<string, Set<string>>([['/', new Set()]]);
  /** What the last materialise() wrote to each host directory, to tell who changed what. */
  readonly #manifests = new Map<string, Map<string, { mode: number; content: Buffer } | null>>();

  /** What the upper and restored layers hold, against `limits`. */
  #usage = { files: 0, bytes: 0 };
  /** Bumped on every change: lets callers cache what they computed from the tree (its hash). */
  #version = 0;
  limits: FsLimits;

  constructor(lowers: ReadonlyLayer[], restored?: { changes: CapturedLayer; whiteouts: string[] }, limits: FsLimits = UNLIMITED_FS) {
    this.#lowers = lowers;
    this.limits = limits;
    this.#restored = restored === undefined ? new MemoryLayer('restored') : MemoryLayer.fromCapture(restored.changes, 'restored');
    this.#lowerWhiteouts = new Set(restored?.whiteouts ?? []);
    for (const [, , content] of restored?.changes.files ?? []) {
      this.#usage.files++;
      this.#usage.bytes += content.length;
    }
    this.#usage.files += restored?.changes.dirs.length ?? 0;
  }

  /** Rebuilds a filesystem from its captured form (snapshot restore, fork): no file is copied. */
  static fromCapture(capture: FsCapture, limits: FsLimits = UNLIMITED_FS): WorldFs {
    const lowers = capture.lowers.map((layer) => MemoryLayer.fromCapture(layer));
    return new WorldFs(lowers, { changes: capture.changes, whiteouts: capture.whiteouts }, limits);
  }

  /** Entries and apparent bytes written or restored in this world (what `limits` bound). */
  get usage(): { files: number; bytes: number } {
    return { ...this.#usage };
  }

  /** A number that changes whenever the tree changes. */
  get version(): number {
    return this.#version;
  }

  /** Throws WorldQuotaError when a file of `size` bytes at `p` (replacing what the upper layer holds there) would pass a limit. */
  #admit(p: string, size: number): void {
    const old = this.#upperIndex.get(p);
    if (size > this.limits.largestFile) throw new WorldQuotaError('largest_file', this.limits.largestFile, size, `writing ${p}`);
    const bytes = this.#usage.bytes - (old?.type === 'file' ? old.size : 0) + size;
    if (bytes > this.limits.bytes) throw new WorldQuotaError('bytes', this.limits.bytes, bytes, `writing ${p}`);
    const files = this.#usage.files + (old === undefined ? 1 + this.#missingUpperDirs(parentOf(p)) : 0);
    if (files > this.limits.files) throw new WorldQuotaError('files', this.limits.files, files, `creating ${p}`);
  }

  /** Directories a copy-up of `dir` would add to the upper layer. */
  #missingUpperDirs(dir: string): number {
    let n = 0;
    for (const p of ancestorsAndSelf(dir)) if (this.#upperIndex.get(p)?.type !== 'dir') n++;
    return n;
  }

  /** Entries and bytes of a file a directory sync would bring in, checked like a write. */
  admits(path: string, size: number): string | undefined {
    try {
      this.#admit(worldPath(path), size);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  stat(path: string): WorldStat {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) throw new FsNotFoundError(p, 'stat');
    return { path: p, ...found.entry, layer: found.layer };
  }

  exists(path: string): boolean {
    return this.#entry(worldPath(path)) !== undefined;
  }

  /** A copy of a file's content. */
  readFile(path: string): Buffer {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) throw new FsNotFoundError(p, 'read');
    if (found.entry.type === 'dir') throw new FsError(p, 'read', 'EISDIR', 'it is a directory; use readdir()');
    return Buffer.from(this.#content(p, found.layer));
  }

  /**
   * A file's content decoded as text, with its size in bytes: one lookup and no copy of the
   * bytes (the hot path of read tools; `readFile` returns a copy the caller may change).
   */
  readText(path: string, encoding: BufferEncoding = 'utf8'): { text: string; bytes: number } {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) throw new FsNotFoundError(p, 'read');
    if (found.entry.type === 'dir') throw new FsError(p, 'read', 'EISDIR', 'it is a directory; use readdir()');
    const content = this.#content(p, found.layer);
    return { text: content.toString(encoding), bytes: content.length };
  }

  /** Writes (or appends to) a file in the upper layer. */
  writeFile(path: string, data: string | Uint8Array, options: WriteOptions = {}): void {
    const p = worldPath(path);
    if (p === '/') throw new FsError(p, 'write', 'EISDIR', 'the world root is a directory');
    const parent = parentOf(p);
    const parentEntry = this.#entry(parent);
    if (parentEntry === undefined) {
      if (!options.parents) throw new FsNotFoundError(parent, 'write: parent directory of');
      this.mkdir(parent, { recursive: true });
    } else if (parentEntry.entry.type !== 'dir') {
      throw new FsError(p, 'write', 'ENOTDIR', `${parent} is a file, not a directory`);
    }
    const existing = this.#entry(p);
    if (existing?.entry.type === 'dir') throw new FsError(p, 'write', 'EISDIR', 'it is a directory');
    const added = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
    this.#admit(p, (options.append && existing !== undefined ? existing.entry.size : 0) + added);
    let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (options.append && existing !== undefined) bytes = Buffer.concat([this.#content(p, existing.layer), bytes]);
    const mode = options.mode ?? existing?.entry.mode ?? 0o644;
    this.#copyUpDir(parent);
    this.#upper.writeFileSync(p, bytes);
    this.#upper.chmodSync(p, mode);
    this.#indexUpper(p, { type: 'file', mode, size: bytes.length });
  }

  /** Changes a file's or directory's permission bits (copying a lower file up). */
  chmod(path: string, mode: number): void {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) throw new FsNotFoundError(p, 'chmod');
    if (found.entry.type === 'dir') return;
    this.writeFile(p, this.#content(p, found.layer), { mode });
  }

  /** Sorted names in a directory. */
  readdir(path: string): string[] {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) throw new FsNotFoundError(p, 'readdir');
    if (found.entry.type !== 'dir') throw new FsError(p, 'readdir', 'ENOTDIR', 'it is a file');
    return this.#names(p);
  }

  /** Sorted entries of a directory with their type, mode and size (one call for LISTDIR). */
  list(path: string): Array<{ name: string } & LayerEntry> {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) throw new FsNotFoundError(p, 'list');
    if (found.entry.type !== 'dir') throw new FsError(p, 'list', 'ENOTDIR', 'it is a file');
    return this.#children(p).map(([name, child]) => ({ name, ...child.entry }));
  }

  mkdir(path: string, options: { recursive?: boolean } = {}): void {
    const p = worldPath(path);
    const existing = this.#entry(p);
    if (existing !== undefined) {
      if (existing.entry.type === 'dir' && options.recursive) return;
      throw new FsError(p, 'mkdir', 'EEXIST', existing.entry.type === 'dir' ? 'the directory already exists (pass recursive: true to accept that)' : 'a file has this name');
    }
    const parent = parentOf(p);
    const parentEntry = this.#entry(parent);
    if (parentEntry === undefined) {
      if (!options.recursive) throw new FsNotFoundError(parent, 'mkdir: parent directory of');
      this.mkdir(parent, { recursive: true });
    } else if (parentEntry.entry.type !== 'dir') {
      throw new FsError(p, 'mkdir', 'ENOTDIR', `${parent} is a file`);
    }
    const files = this.#usage.files + 1 + this.#missingUpperDirs(parent);
    if (files > this.limits.files) throw new WorldQuotaError('files', this.limits.files, files, `creating ${p}`);
    this.#copyUpDir(parent);
    this.#upper.mkdirSync(p);
    this.#indexUpper(p, { type: 'dir', mode: 0o755, size: 0 });
  }

  /** Deletes a file (a lower file gets a whiteout). */
  unlink(path: string): void {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) throw new FsNotFoundError(p, 'unlink');
    if (found.entry.type === 'dir') throw new FsError(p, 'unlink', 'EISDIR', 'it is a directory; use rm(path, { recursive: true })');
    this.#remove(p);
  }

  /** Deletes a file or directory; directories need `recursive` unless empty. */
  rm(path: string, options: { recursive?: boolean; force?: boolean } = {}): void {
    const p = worldPath(path);
    const found = this.#entry(p);
    if (found === undefined) {
      if (options.force) return;
      throw new FsNotFoundError(p, 'rm');
    }
    if (found.entry.type === 'dir') {
      if (p === '/') throw new FsError(p, 'rm', 'EINVAL', 'the world root cannot be removed; remove its entries instead');
      if (!options.recursive && this.#names(p).length > 0) throw new FsError(p, 'rm', 'ENOTEMPTY', 'the directory is not empty (pass recursive: true)');
    }
    this.#remove(p);
  }

  /** Every file of the merged tree with its mode, sorted by path. Content is not copied: do not modify it. */
  files(): Array<{ path: string; mode: number; content: Buffer }> {
    const out: Array<{ path: string; mode: number; content: Buffer }> = [];
    const upper = this.#upperContents();
    this.#walk('/', (path, entry, layer) => {
      if (entry.type === 'file') out.push({ path, mode: entry.mode, content: this.#content(path, layer, upper) });
    });
    return out;
  }

  /** How many files the merged tree shows (no content is read). */
  fileCount(): number {
    let n = 0;
    this.#walk('/', (_path, entry) => {
      if (entry.type === 'file') n++;
    });
    return n;
  }

  /**
   * What the merged tree takes once materialised (no content is read): its entries, and its files'
   * bytes each rounded up to `pageSize` (how a tmpfs counts them); `lower*` count only what the
   * lower layers show (what the world's limits do not cover).
   */
  footprint(pageSize = 4096): { entries: number; bytes: number; blocks: number; lowerEntries: number; lowerBlocks: number } {
    const out = { entries: 0, bytes: 0, blocks: 0, lowerEntries: 0, lowerBlocks: 0 };
    this.#walk('/', (_path, entry, layer) => {
      const lower = layer !== 'upper' && layer !== 'restored';
      const blocks = entry.type === 'file' ? Math.ceil(entry.size / pageSize) * pageSize : 0;
      out.entries++;
      out.bytes += entry.type === 'file' ? entry.size : 0;
      out.blocks += blocks;
      if (lower) {
        out.lowerEntries++;
        out.lowerBlocks += blocks;
      }
    });
    return out;
  }

  /** Files added, modified (content or mode) and deleted relative to the lower layers. */
  diff(): FsDiff {
    const base = new Map<string, { mode: number; content: () => Buffer }>();
    const seen = new Set<string>();
    const walkBase = (dir: string): void => {
      const names = new Set<string>();
      for (const layer of this.#lowers) for (const n of layer.readdir(dir)) names.add(n);
      for (const name of [...names].sort()) {
        const path = joinPath(dir, name);
        if (seen.has(path)) continue;
        seen.add(path);
        const top = this.#lowers.map((l) => ({ l, e: l.stat(path) })).find((x) => x.e !== undefined);
        if (top?.e?.type === 'dir') walkBase(path);
        else if (top?.e?.type === 'file') base.set(path, { mode: top.e.mode, content: () => top.l.readFile(path) });
      }
    };
    walkBase('/');
    const diff: FsDiff = { added: [], modified: [], deleted: [] };
    const present = new Set<string>();
    for (const file of this.files()) {
      present.add(file.path);
      const before = base.get(file.path);
      if (before === undefined) diff.added.push(file.path);
      else if (before.mode !== file.mode || !before.content().equals(file.content)) diff.modified.push(file.path);
    }
    for (const path of base.keys()) if (!present.has(path)) diff.deleted.push(path);
    diff.deleted.sort();
    return diff;
  }

  /** sha256 of the merged tree: every path, type, mode and content. Equal trees give equal hashes. */
  treeHash(): string {
    const hash = createHash('sha256');
    const upper = this.#upperContents();
    this.#walk('/', (path, entry, layer) => {
      hash.update(`${entry.type}\0${path}\0${entry.mode.toString(8)}\0`);
      if (entry.type === 'file') {
        const content = this.#content(path, layer, upper);
        hash.update(`${content.length}\0`);
        hash.update(content);
      }
      hash.update('\n');
    });
    return hash.digest('hex');
  }

  /** The filesystem by content for a snapshot or fork: lowers as they are, the rest flattened. */
  capture(): FsCapture {
    // Only the restored layer and the upper layer are read; lower layers are captured as they are.
    const files = new Map<string, [mode: number, content: Buffer]>();
    const dirs = new Set<string>();
    const restored = this.#restored.entries();
    for (const dir of restored.dirs) if (dir !== '/' && !this.#hidden(this.#whiteouts, dir)) dirs.add(dir);
    for (const [path, mode, content] of restored.files) if (!this.#hidden(this.#whiteouts, path)) files.set(path, [mode, content]);
    const upper = this.#upperContents();
    for (const [path, entry] of this.#upperIndex) {
      if (entry.type === 'dir') {
        if (path !== '/') dirs.add(path);
      } else {
        files.set(path, [entry.mode, this.#content(path, 'upper', upper)]);
      }
    }
    const sorted = [...files.keys()].sort();
    const all = [...this.#whiteouts, ...this.#lowerWhiteouts].sort();
    const whiteouts = all.filter((p) => !ancestorsAndSelf(p).slice(0, -1).some((a) => this.#whiteouts.has(a) || this.#lowerWhiteouts.has(a)));
    return {
      lowers: this.#lowers.map((l) => l.capture()),
      changes: {
        name: 'restored',
        files: sorted.map((path): CapturedFile => {
          const [mode, content] = files.get(path) as [number, Buffer];
          return [path, mode, content];
        }),
        dirs: [...dirs].sort(),
      },
      whiteouts: [...new Set(whiteouts)],
    };
  }

  /**
   * Writes the merged tree to a host directory so a process doing plain file I/O sees the world.
   * The directory must be missing, empty, or one this world materialised before (it is then made
   * to match the world again). Nothing there is followed: entries in the way (symlinks included)
   * are removed, and every file is created through a descriptor of its directory (see host-dir.ts),
   * so a process racing the kernel in that directory cannot send a write elsewhere.
   * `owner` becomes the owner of everything written (the kernel's sandboxed agents' uid).
   */
  async materialise(hostDir: string | HostDirRef, options: { owner?: Owner | null } = {}): Promise<void> {
    const { key, rootfd, close } = openHostDir(hostDir, true);
    try {
      const manifest = this.#manifests.get(key);
      const existing = readdirFd(rootfd);
      if (existing.length > 0 && manifest === undefined) {
        throw new FsError(key, 'materialise', 'ENOTEMPTY', 'the host directory is not empty and was not materialised by this world; pass an empty or new directory');
      }
      if (manifest !== undefined) for (const name of existing) removeAt(rootfd, name);
      const owner = options.owner ?? null;
      if (owner) fchownSync(rootfd, owner.uid, owner.gid);
      const next = new Map<string, { mode: number; content: Buffer } | null>();
      const upper = this.#upperContents();
      const dirs = new Map<string, number>([['/', rootfd]]);
      try {
        this.#walk('/', (path, entry, layer) => {
          if (path === '/') return;
          const parent = dirs.get(parentOf(path));
          if (parent === undefined) return;
          const name = baseName(path);
          if (entry.type === 'dir') {
            dirs.set(path, ensureDirAt(parent, name, owner));
            next.set(path, null);
          } else {
            const content = this.#content(path, layer, upper);
            writeFileAt(parent, name, content, { mode: entry.mode & 0o777, owner });
            next.set(path, { mode: entry.mode & 0o777, content });
          }
        });
      } finally {
        for (const [path, fd] of dirs) if (path !== '/') closeQuietly(fd);
      }
      this.#manifests.set(key, next);
    } finally {
      close();
    }
  }

  /**
   * Forgets what a materialised host directory holds at `path` (its host could not write the
   * world's version there, e.g. ENOSPC): a later sync neither takes in what is there nor deletes
   * the world's file for its absence.
   */
  forgetHostEntry(hostDir: string | HostDirRef, path: string): void {
    const key = typeof hostDir === 'string' ? resolve(hostDir) : hostDir.path;
    this.#manifests.get(key)?.delete(worldPath(path));
  }

  /**
   * Brings back what a process changed in a materialised host directory: new and modified files
   * are written to the upper layer, deleted ones removed (lower files get whiteouts). Only changes
   * made on the host since materialise() count, so world-side writes in between are kept.
   * Every entry is opened without following links and checked on its descriptor: symlinks, hard
   * links (a file with more than one name), FIFOs, sockets and devices are skipped and reported.
   */
  async syncFrom(hostDir: string | HostDirRef): Promise<SyncResult> {
    const { key, rootfd, close } = openHostDir(hostDir, false);
    const manifest = this.#manifests.get(key) ?? new Map(this.#currentManifest());
    const result: SyncResult = { added: [], modified: [], deleted: [], skipped: [] };
    const onHost = new Map<string, { mode: number; content: Buffer } | null>();
    // What the materialised tree may hold: the world's own limit plus what its lower layers show.
    let read = 0;
    let lowerBytes = 0;
    for (const content of manifest.values()) if (content !== null) lowerBytes += content.content.length;
    const readBudget = this.limits.bytes + lowerBytes;
    const walk = async (dir: string, dirfd: number): Promise<void> => {
      for (const name of readdirFd(dirfd).sort()) {
        const path = joinPath(dir, name);
        const st = lstatAt(dirfd, name);
        if (st === undefined) continue;
        if (st.isDirectory()) {
          let fd: number;
          try {
            fd = openDirAt(dirfd, name);
          } catch (error) {
            if (!(error instanceof UnsafeEntryError)) throw error;
            result.skipped.push({ path, reason: error.kind === 'symlink' ? 'symlink (not followed)' : 'not a regular file or directory' });
            continue;
          }
          try {
            onHost.set(path, null);
            await walk(path, fd);
          } finally {
            closeQuietly(fd);
          }
        } else if (st.isFile()) {
          let opened: { fd: number; stat: Stats };
          try {
            opened = openRegularAt(dirfd, name, O_RDONLY);
          } catch (error) {
            if (!(error instanceof UnsafeEntryError) && errnoOf(error) !== 'ENOENT') throw error;
            if (error instanceof UnsafeEntryError) result.skipped.push({ path, reason: error.kind === 'symlink' ? 'symlink (not followed)' : 'not a regular file or directory' });
            continue;
          }
          try {
            if (opened.stat.nlink > 1) {
              result.skipped.push({ path, reason: 'hard link (a file with other names is not taken in)' });
              continue;
            }
            // Apparent size, before reading: a sparse or huge file is refused without being read.
            const size = opened.stat.size;
            const refused =
              size > this.limits.largestFile
                ? `${size} bytes, over the world's largest_file limit of ${this.limits.largestFile}`
                : read + size > readBudget
                  ? `${size} bytes more would pass the world's bytes limit of ${this.limits.bytes}`
                  : undefined;
            if (refused) {
              result.skipped.push({ path, reason: `not synced: ${refused}` });
              // Keep the world's version: treat the host copy as unchanged.
              if (manifest.has(path)) onHost.set(path, manifest.get(path) ?? null);
              continue;
            }
            read += size;
            onHost.set(path, { mode: opened.stat.mode & 0o777, content: await readAll(opened.fd) });
          } finally {
            closeQuietly(opened.fd);
          }
        } else {
          result.skipped.push({ path, reason: st.isSymbolicLink() ? 'symlink (not followed)' : 'not a regular file or directory' });
        }
      }
    };
    try {
      await walk('/', rootfd);
    } finally {
      close();
    }
    for (const [path, now] of onHost) {
      const before = manifest.get(path);
      if (now === null) {
        if (before !== null && !this.exists(path)) this.mkdir(path, { recursive: true });
        continue;
      }
      try {
        if (before === null || before === undefined) {
          this.#replaceWithFile(path, now);
          result.added.push(path);
        } else if (before.mode !== now.mode || !before.content.equals(now.content)) {
          this.#replaceWithFile(path, now);
          result.modified.push(path);
        }
      } catch (error) {
        if (!(error instanceof WorldQuotaError)) throw error;
        result.skipped.push({ path, reason: `not synced: ${error.message}` });
        if (before !== undefined) onHost.set(path, before);
        else onHost.delete(path);
      }
    }
    const gone = [...manifest.keys()].filter((path) => !onHost.has(path)).sort();
    for (const path of gone) {
      if (!this.exists(path)) continue;
      const type = this.stat(path).type;
      if (type === 'file' && manifest.get(path) !== null) {
        this.unlink(path);
        result.deleted.push(path);
      } else if (type === 'dir') {
        for (const f of this.files()) if (isWithin(f.path, path)) result.deleted.push(f.path);
        this.rm(path, { recursive: true });
      }
    }
    result.deleted = [...new Set(result.deleted)].sort();
    this.#manifests.set(key, onHost);
    return result;
  }

  #replaceWithFile(path: string, file: { mode: number; content: Buffer }): void {
    const existing = this.#entry(path);
    if (existing?.entry.type === 'dir') this.rm(path, { recursive: true });
    this.writeFile(path, file.content, { mode: file.mode, parents: true });
  }

  #currentManifest(): Map<string, { mode: number; content: Buffer } | null> {
    const out = new Map<string, { mode: number; content: Buffer } | null>();
    const upper = this.#upperContents();
    this.#walk('/', (path, entry, layer) => {
      if (path === '/') return;
      out.set(path, entry.type === 'dir' ? null : { mode: entry.mode & 0o777, content: this.#content(path, layer, upper) });
    });
    return out;
  }

  #hidden(set: Set<string>, path: string): boolean {
    if (set.size === 0) return false;
    for (const p of ancestorsAndSelf(path)) if (set.has(p)) return true;
    return false;
  }

  #entry(p: string): { entry: LayerEntry; layer: string } | undefined {
    const upper = this.#upperIndex.get(p);
    if (upper !== undefined) return { entry: { ...upper }, layer: 'upper' };
    if (this.#hidden(this.#whiteouts, p)) return undefined;
    const restored = this.#restored.stat(p);
    if (restored !== undefined) return { entry: restored, layer: 'restored' };
    if (this.#hidden(this.#lowerWhiteouts, p)) return undefined;
    for (const layer of this.#lowers) {
      const entry = layer.stat(p);
      if (entry !== undefined) return { entry, layer: layer.name };
    }
    return undefined;
  }

  #upperContents(): UpperContents {
    return this.#upperIndex.size > 1 ? (this.#upper.toJSON('/', {}, false, true) as UpperContents) : {};
  }

  #content(p: string, layer: string, upper?: UpperContents): Buffer {
    if (layer === 'upper') {
      const bulk = upper?.[p];
      return Buffer.isBuffer(bulk) ? bulk : (this.#upper.readFileSync(p) as Buffer);
    }
    if (layer === 'restored') return this.#restored.readFile(p);
    const lower = this.#lowers.find((l) => l.name === layer);
    if (lower === undefined) throw new FsError(p, 'read', 'EIO', `layer ${layer} is gone`);
    return lower.readFile(p);
  }

  #names(p: string): string[] {
    return this.#children(p).map(([name]) => name);
  }

  #children(p: string): Array<[string, { entry: LayerEntry; layer: string }]> {
    const names = new Set<string>();
    for (const n of this.#upperChildren.get(p) ?? []) names.add(n);
    if (!this.#hidden(this.#whiteouts, p)) {
      for (const n of this.#restored.readdir(p)) names.add(n);
      if (!this.#hidden(this.#lowerWhiteouts, p)) for (const layer of this.#lowers) for (const n of layer.readdir(p)) names.add(n);
    }
    const out: Array<[string, { entry: LayerEntry; layer: string }]> = [];
    for (const n of [...names].sort()) {
      const found = this.#entry(joinPath(p, n));
      if (found !== undefined) out.push([n, found]);
    }
    return out;
  }

  #walk(dir: string, visit: (path: string, entry: LayerEntry, layer: string) => void): void {
    const found = this.#entry(dir);
    if (found !== undefined) this.#walkFrom(dir, found, visit);
  }

  #walkFrom(dir: string, found: { entry: LayerEntry; layer: string }, visit: (path: string, entry: LayerEntry, layer: string) => void): void {
    visit(dir, found.entry, found.layer);
    if (found.entry.type !== 'dir') return;
    for (const [name, child] of this.#children(dir)) this.#walkFrom(joinPath(dir, name), child, visit);
  }

  /** Makes `dir` (visible as a directory) exist in the upper layer too. */
  #copyUpDir(dir: string): void {
    if (this.#upperIndex.get(dir)?.type === 'dir') return;
    for (const p of ancestorsAndSelf(dir)) {
      if (this.#upperIndex.get(p)?.type === 'dir') continue;
      this.#upper.mkdirSync(p);
      this.#indexUpper(p, { type: 'dir', mode: 0o755, size: 0 });
    }
  }

  #indexUpper(p: string, entry: UpperEntry): void {
    const old = this.#upperIndex.get(p);
    if (old === undefined) this.#usage.files++;
    this.#usage.bytes += (entry.type === 'file' ? entry.size : 0) - (old?.type === 'file' ? old.size : 0);
    this.#version++;
    this.#upperIndex.set(p, entry);
    if (entry.type === 'dir' && !this.#upperChildren.has(p)) this.#upperChildren.set(p, new Set());
    if (p !== '/') this.#upperChildren.get(parentOf(p))?.add(p.slice(p.lastIndexOf('/') + 1));
  }

  #remove(p: string): void {
    this.#version++;
    const upper = this.#upperIndex.get(p);
    if (upper !== undefined) {
      this.#upper.rmSync(p, { recursive: true, force: true });
      if (upper.type === 'dir') {
        for (const [key, entry] of [...this.#upperIndex]) {
          if (!isWithin(key, p)) continue;
          this.#usage.files--;
          if (entry.type === 'file') this.#usage.bytes -= entry.size;
          this.#upperIndex.delete(key);
        }
        for (const key of [...this.#upperChildren.keys()]) if (isWithin(key, p)) this.#upperChildren.delete(key);
      } else {
        this.#usage.files--;
        this.#usage.bytes -= upper.size;
        this.#upperIndex.delete(p);
      }
      this.#upperChildren.get(parentOf(p))?.delete(p.slice(p.lastIndexOf('/') + 1));
    }
    if (this.#entry(p) !== undefined) {
      for (const w of [...this.#whiteouts]) if (isWithin(w, p)) this.#whiteouts.delete(w);
      this.#whiteouts.add(p);
    }
  }
}
