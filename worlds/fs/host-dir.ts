import { closeSync, constants, fchmodSync, fchownSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, readFile, rmdirSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { WorldError } from '../errors.js';

/**
 * Descriptor-based operations on a host directory tree that never follow a link.
 *
 * Node has no `openat`, so every call names its target as `/proc/self/fd/<dirfd>/<name>`: the
 * kernel follows the `fd` magic link to the directory the descriptor holds and then looks `name` up
 * in it, which is what `openat(dirfd, name)` does. With `O_NOFOLLOW` on the last component and a
 * single-component `name`, a symlink planted anywhere in the tree is never followed, and renaming a
 * directory after it was opened changes nothing (the descriptor keeps pointing at it). Files are
 * opened with `O_NONBLOCK` and checked with `fstat` before any data moves, so a FIFO, device or
 * socket never makes the caller block.
 */

/** `O_PATH` (Linux): a descriptor for the inode itself, no read/write, no side effects on open. */
export const O_PATH = 0o10000000;
const { O_RDONLY, O_WRONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, O_CREAT, O_EXCL, O_APPEND } = constants;
export const OPEN_DIR = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK;
export { O_RDONLY, O_WRONLY, O_NOFOLLOW, O_NONBLOCK, O_CREAT, O_EXCL, O_APPEND };

const readFd = promisify(readFile) as (fd: number) => Promise<Buffer>;

/** Why an entry was not used: it is a link, or not a regular file or directory. */
export class UnsafeEntryError extends WorldError {
  constructor(
    readonly kind: 'symlink' | 'hardlink' | 'not-regular' | 'not-directory',
    readonly entry: string,
    message: string,
  ) {
    super(kind === 'symlink' || kind === 'hardlink' ? 'FS_LINK_REFUSED' : 'FS_ERROR', message, { details: { path: entry, kind } });
  }
}

export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

/** The path that makes a path-based call act on `name` inside the directory `dirfd` holds. */
export function at(dirfd: number, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new Error(`not a single path component: ${JSON.stringify(name)}`);
  }
  return `${fdPath(dirfd)}/${name}`;
}

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** The type of an lstat/fstat result in words. */
export function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a directory';
  return 'a regular file';
}

/** Opens a directory the caller names itself (the root of a tree); its last component is not followed. */
export function openRootDir(path: string): number {
  return openSync(path, OPEN_DIR);
}

/** Opens the directory `name` inside `dirfd`; ELOOP (a symlink) and ENOTDIR surface as UnsafeEntryError. */
export function openDirAt(dirfd: number, name: string): number {
  try {
    return openSync(at(dirfd, name), OPEN_DIR);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ELOOP') throw new UnsafeEntryError('symlink', name, `${name} is a symlink; it is not followed`);
    if (code === 'ENOTDIR') throw new UnsafeEntryError('not-directory', name, `${name} is not a directory`);
    throw error;
  }
}

/** lstat of `name` inside `dirfd` (the entry itself, never what a link points to); undefined when missing. */
export function lstatAt(dirfd: number, name: string): Stats | undefined {
  try {
    return lstatSync(at(dirfd, name));
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

export function readdirFd(dirfd: number): string[] {
  return readdirSync(fdPath(dirfd));
}

export function closeQuietly(fd: number | null | undefined): void {
  if (fd === null || fd === undefined || fd < 0) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/**
 * Opens the regular file `name` inside `dirfd` with `flags` (plus O_NOFOLLOW | O_NONBLOCK) and
 * checks what was opened. Throws UnsafeEntryError for a symlink, FIFO, device, socket or directory.
 */
export function openRegularAt(dirfd: number, name: string, flags: number, mode = 0o644): { fd: number; stat: Stats } {
  let fd: number;
  try {
    fd = openSync(at(dirfd, name), flags | O_NOFOLLOW | O_NONBLOCK, mode);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ELOOP') throw new UnsafeEntryError('symlink', name, `${name} is a symlink; it is not followed`);
    // A FIFO without a reader (O_WRONLY|O_NONBLOCK), a socket, a device without a driver.
    if (code === 'ENXIO' || code === 'EOPNOTSUPP' || code === 'ENODEV') throw new UnsafeEntryError('not-regular', name, `${name} is not a regular file`);
    throw error;
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeQuietly(fd);
    throw new UnsafeEntryError(stat.isDirectory() ? 'not-regular' : 'not-regular', name, `${name} is ${kindOf(stat)}, not a regular file`);
  }
  return { fd, stat };
}

/** Reads a whole file from a descriptor (from its current position). */
export function readAll(fd: number): Promise<Buffer> {
  return readFd(fd);
}

export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/** Removes `name` inside `dirfd` and, for a directory, everything below it, never following a link. */
export function removeAt(dirfd: number, name: string): void {
  const st = lstatAt(dirfd, name);
  if (st === undefined) return;
  if (st.isDirectory()) {
    let fd: number | null = null;
    try {
      fd = openDirAt(dirfd, name);
    } catch (error) {
      // Swapped for something else since the lstat: remove that entry instead.
      if (error instanceof UnsafeEntryError) return unlinkQuietly(dirfd, name);
      throw error;
    }
    try {
      for (const child of readdirFd(fd)) removeAt(fd, child);
    } finally {
      closeQuietly(fd);
    }
    try {
      rmdirSync(at(dirfd, name));
    } catch (error) {
      if (errnoOf(error) === 'ENOTDIR') return unlinkQuietly(dirfd, name);
      if (errnoOf(error) !== 'ENOENT') throw error;
    }
    return;
  }
  unlinkQuietly(dirfd, name);
}

function unlinkQuietly(dirfd: number, name: string): void {
  try {
    unlinkSync(at(dirfd, name));
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EISDIR' || code === 'EPERM') return removeAt(dirfd, name);
    if (code !== 'ENOENT') throw error;
  }
}

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * The directory `name` inside `dirfd`, made when missing; whatever else is in the way (a symlink,
 * a file) is removed first. Returns an open descriptor (close it). A new directory gets `owner`.
 */
export function ensureDirAt(dirfd: number, name: string, owner?: Owner | null): number {
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      return openDirAt(dirfd, name);
    } catch (error) {
      if (error instanceof UnsafeEntryError) removeAt(dirfd, name);
      else if (errnoOf(error) !== 'ENOENT') throw error;
    }
    try {
      mkdirSync(at(dirfd, name), 0o755);
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
      continue;
    }
    const fd = openDirAt(dirfd, name);
    // Only a directory this process just made (an agent may have swapped another one in).
    const st = fstatSync(fd);
    if (owner && st.uid === process.geteuid?.() && st.nlink === 2) fchownSync(fd, owner.uid, owner.gid);
    return fd;
  }
  throw new Error(`${name}: the entry keeps changing while the directory is made`);
}

/** Directories `segments` below `rootfd`, made as needed; returns the last one's descriptor (close it). */
export function ensureDirs(rootfd: number, segments: string[], owner?: Owner | null): number {
  let fd = rootfd;
  for (const name of segments) {
    const next = ensureDirAt(fd, name, owner);
    if (fd !== rootfd) closeQuietly(fd);
    fd = next;
  }
  return fd === rootfd ? openSync(fdPath(rootfd), OPEN_DIR & ~O_NOFOLLOW) : fd;
}

/**
 * Writes `data` as the regular file `name` inside `dirfd`. An existing regular file with one link is
 * rewritten in place; anything else there (a symlink, a hard link, a FIFO, a directory) is removed
 * and a new file is created with O_EXCL. Mode and owner are set on the descriptor.
 */
export function writeFileAt(dirfd: number, name: string, data: Uint8Array, options: { mode: number; owner?: Owner | null }): void {
  for (let attempt = 0; attempt < 8; attempt++) {
    let fd: number | null = null;
    try {
      const opened = openRegularAt(dirfd, name, O_WRONLY);
      if (opened.stat.nlink === 1) fd = opened.fd;
      else {
        closeQuietly(opened.fd);
        removeAt(dirfd, name);
      }
    } catch (error) {
      if (error instanceof UnsafeEntryError || errnoOf(error) === 'EISDIR') removeAt(dirfd, name);
      else if (errnoOf(error) !== 'ENOENT') throw error;
    }
    if (fd === null) {
      try {
        fd = openSync(at(dirfd, name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, options.mode & 0o777);
      } catch (error) {
        if (errnoOf(error) === 'EEXIST') continue;
        throw error;
      }
    }
    try {
      ftruncateSync(fd, 0);
      writeAll(fd, data);
      fchmodSync(fd, options.mode & 0o777);
      if (options.owner) fchownSync(fd, options.owner.uid, options.owner.gid);
    } finally {
      closeQuietly(fd);
    }
    return;
  }
  throw new Error(`${name}: the entry keeps changing while the file is written`);
}

/** Gives a directory and everything in it (directories and regular files, no links) to `owner`. */
export function chownTreeFd(dirfd: number, owner: Owner): void {
  fchownSync(dirfd, owner.uid, owner.gid);
  for (const name of readdirFd(dirfd)) {
    const st = lstatAt(dirfd, name);
    if (st === undefined) continue;
    if (st.isDirectory()) {
      let fd: number;
      try {
        fd = openDirAt(dirfd, name);
      } catch (error) {
        if (error instanceof UnsafeEntryError) continue;
        throw error;
      }
      try {
        chownTreeFd(fd, owner);
      } finally {
        closeQuietly(fd);
      }
    } else if (st.isFile()) {
      let opened: { fd: number; stat: Stats };
      try {
        opened = openRegularAt(dirfd, name, O_RDONLY);
      } catch (error) {
        if (error instanceof UnsafeEntryError) continue;
        throw error;
      }
      try {
        // A hard link to a file from elsewhere keeps its owner.
        if (opened.stat.nlink === 1) fchownSync(opened.fd, owner.uid, owner.gid);
      } finally {
        closeQuietly(opened.fd);
      }
    }
  }
}
