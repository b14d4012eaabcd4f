import { appendFile, lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { fchownSync, fstatSync, ftruncateSync, mkdirSync, openSync, rmdirSync, unlinkSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, type ErrorCodeValue } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { checkPath, type PermissionSet } from '../permissions/index.js';
import {
  at,
  closeQuietly,
  errnoOf,
  lstatAt,
  O_APPEND,
  O_CREAT,
  O_EXCL,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_RDONLY,
  O_WRONLY,
  openDirAt,
  openRegularAt,
  readAll,
  readdirFd,
  UnsafeEntryError,
  writeAll,
} from '../../worlds/fs/host-dir.js';
import { describeAccess, kernelUid, mayAccess, mayRemoveEntry, R, W, X, type FsCredentials } from './credentials.js';
import type { DirEntry, FileInfo, FileSystemView, FileType } from './file-system.js';
import { checkNotPseudo, walk, WalkError, WalkRefusal, type FsView, type Walked, type WalkOptions } from './view-walk.js';

function typeOf(s: Stats): FileType {
  return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other';
}

export function fsError(op: string, path: string, error: unknown): KernelError {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new KernelError(ErrorCode.FS_NOT_FOUND, `${op}: no such file or directory: ${path}`, { path });
  if (error instanceof KernelError) return error;
  return new KernelError(ErrorCode.FS_ERROR, `${op}: ${path}: ${e.code ?? ''} ${e.message}`.trim(), { path, errno: e.code });
}

/** Reports a refusal (SYSCALL_BLOCKED, audit) and returns the error to throw. */
export type DenyFn = (op: string, path: string, rule: string, reason: string, code?: ErrorCodeValue) => KernelError;

/** A walk retried because the tree changed under it (a file appeared between the check and O_EXCL). */
class Raced extends Error {}

/**
 * The host filesystem as seen by one caller. Relative paths start at its working directory.
 *
 * For an agent, every call acts in the agent's view (`view.root`: its own mount namespace, so
 * `/tmp` is its private /tmp) with the agent's credentials (`view.creds`: its uid and gid, checked
 * against owner and mode at every step; files it creates are given to it). Paths are walked one
 * component at a time through directory descriptors (view-walk.ts), never following a link the
 * agent could have made, and the operation itself happens on the descriptor that was checked, so
 * swapping a path between check and use reaches nothing else. Permission rules are checked on the
 * path asked for and on the real path walked. Files with several hard links are refused to agents
 * that run with the kernel's own uid (their name says nothing about what they are); FIFOs,
 * sockets and devices are refused without blocking; /proc, /sys and other pseudo filesystems are
 * not reached.
 *
 * Operators are not checked and use plain path calls.
 */
export class HostFileSystem implements FileSystemView {
  readonly kind = 'host';

  constructor(
    private readonly cwd: string,
    private readonly permissions: PermissionSet | null,
    private readonly stateDir: string,
    private readonly onDenied: DenyFn,
    /** The agent's view and credentials; required with `permissions`. Called once per syscall. */
    private readonly view: (() => FsView) | null = null,
  ) {}

  resolve(path: string): string {
    return isAbsolute(path) ? resolve(path) : resolve(this.cwd, path);
  }

  async read(path: string): Promise<Buffer> {
    if (!this.permissions) return readFile(this.resolve(path)).catch((e: unknown) => Promise.reject(fsError('READ', path, e)));
    return this.agentCall('READ', 'read', path, { followLast: true }, async (w, creds) => {
      const name = this.fileName('READ', path, w);
      const { fd, stat: st } = openRegularAt(w.dirfd, name, O_RDONLY);
      try {
        this.checkOpened('READ', path, w, fd, st, creds, R);
        return await readAll(fd);
      } finally {
        closeQuietly(fd);
      }
    });
  }

  async write(path: string, data: Buffer, mode: 'w' | 'a'): Promise<void> {
    if (!this.permissions) {
      const abs = this.resolve(path);
      await (mode === 'a' ? appendFile(abs, data) : writeFile(abs, data)).catch((e: unknown) => Promise.reject(fsError('WRITE', path, e)));
      return;
    }
    await this.agentCall('WRITE', 'write', path, { followLast: true }, (w, creds) => {
      const name = this.fileName('WRITE', path, w);
      let fd: number;
      if (w.stat) {
        const opened = openRegularAt(w.dirfd, name, O_WRONLY | (mode === 'a' ? O_APPEND : 0));
        fd = opened.fd;
        try {
          this.checkOpened('WRITE', path, w, fd, opened.stat, creds, W);
          if (mode === 'w') ftruncateSync(fd, 0);
        } catch (error) {
          closeQuietly(fd);
          throw error;
        }
      } else {
        if (!mayAccess(w.dirStat, creds, W | X)) throw this.access('WRITE', path, `uid ${creds.uid} may not create files in ${parentOf(w.real)} (${describeAccess(w.dirStat)})`);
        try {
          fd = openSync(at(w.dirfd, name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o644);
        } catch (error) {
          if (errnoOf(error) === 'EEXIST') throw new Raced();
          throw error;
        }
        if (creds.uid !== kernelUid()) fchownSync(fd, creds.uid, creds.gid);
      }
      try {
        writeAll(fd, data);
      } finally {
        closeQuietly(fd);
      }
    });
  }

  async stat(path: string): Promise<FileInfo> {
    const abs = this.resolve(path);
    const info = (s: Stats): FileInfo => ({ path: abs, type: typeOf(s), size: s.size, mode: s.mode & 0o7777, mtime_ms: Math.round(s.mtimeMs) });
    if (!this.permissions) return info(await lstat(abs).catch((e: unknown) => Promise.reject(fsError('STAT', path, e))));
    return this.agentCall('STAT', 'read', path, { followLast: false }, (w) => {
      if (!w.stat) throw new WalkError('ENOENT', w.real, 'missing');
      return info(w.stat);
    });
  }

  async list(path: string): Promise<DirEntry[]> {
    if (!this.permissions) return plainList(this.resolve(path)).catch((e: unknown) => Promise.reject(fsError('LISTDIR', path, e)));
    return this.agentCall('LISTDIR', 'read', path, { followLast: true }, (w, creds) => {
      if (!w.stat) throw new WalkError('ENOENT', w.real, 'missing');
      let fd = w.dirfd;
      let st = w.dirStat;
      if (w.name !== null) {
        if (!w.stat.isDirectory()) throw new KernelError(ErrorCode.FS_ERROR, `LISTDIR: ${path} is not a directory`, { path, errno: 'ENOTDIR' });
        try {
          fd = openDirAt(w.dirfd, w.name);
        } catch (error) {
          if (error instanceof UnsafeEntryError) throw new Raced();
          throw error;
        }
        st = fstatSync(fd);
      }
      try {
        if (st.dev !== w.dirStat.dev) checkNotPseudo(fd, w.real);
        if (!mayAccess(st, creds, R | X)) throw this.access('LISTDIR', path, `uid ${creds.uid} may not list ${w.real} (${describeAccess(st)})`);
        const out: DirEntry[] = [];
        for (const name of readdirFd(fd)) {
          const entry = lstatAt(fd, name);
          if (entry === undefined) continue;
          out.push({ name, type: typeOf(entry), size: entry.isFile() ? entry.size : 0 });
        }
        return out.sort((a, b) => a.name.localeCompare(b.name));
      } finally {
        if (fd !== w.dirfd) closeQuietly(fd);
      }
    });
  }

  async remove(path: string, recursive: boolean): Promise<void> {
    if (!this.permissions) {
      const abs = this.resolve(path);
      await lstat(abs).catch((e: unknown) => Promise.reject(fsError('UNLINK', path, e)));
      await rm(abs, { recursive }).catch((e: unknown) => Promise.reject(fsError('UNLINK', path, e)));
      return;
    }
    await this.agentCall('UNLINK', 'write', path, { followLast: false }, (w, creds) => {
      if (!w.stat) throw new WalkError('ENOENT', w.real, 'missing');
      if (w.name === null) throw new KernelError(ErrorCode.FS_ERROR, `UNLINK: ${path} is the root of the agent's filesystem or reached through a link; remove it by its own path`, { path, errno: 'EINVAL' });
      if (!mayRemoveEntry(w.dirStat, w.stat, creds)) throw this.access('UNLINK', path, `uid ${creds.uid} may not remove entries of ${parentOf(w.real)} (${describeAccess(w.dirStat)})`);
      if (!w.stat.isDirectory()) {
        unlinkSync(at(w.dirfd, w.name));
        return;
      }
      if (recursive) this.removeTree(w.dirfd, w.name, creds, w.real);
      else rmdirSync(at(w.dirfd, w.name));
    });
  }

  async mkdir(path: string, recursive: boolean): Promise<void> {
    if (!this.permissions) {
      await mkdir(this.resolve(path), { recursive }).catch((e: unknown) => Promise.reject(fsError('MKDIR', path, e)));
      return;
    }
    const create = recursive ? (real: string) => this.checkRules('MKDIR', 'write', path, real) : undefined;
    await this.agentCall('MKDIR', 'write', path, { followLast: true, ...(create ? { create } : {}) }, (w, creds) => {
      if (recursive) {
        if (!w.stat?.isDirectory()) throw new KernelError(ErrorCode.FS_ERROR, `MKDIR: ${path} exists and is not a directory`, { path, errno: 'EEXIST' });
        return;
      }
      if (w.stat || w.name === null) throw new KernelError(ErrorCode.FS_ERROR, `MKDIR: ${path} already exists (pass recursive: true to accept that)`, { path, errno: 'EEXIST' });
      if (!mayAccess(w.dirStat, creds, W | X)) throw this.access('MKDIR', path, `uid ${creds.uid} may not create entries in ${parentOf(w.real)} (${describeAccess(w.dirStat)})`);
      mkdirSync(at(w.dirfd, w.name), 0o755);
      if (creds.uid === kernelUid()) return;
      const fd = openDirAt(w.dirfd, w.name);
      try {
        const made = fstatSync(fd);
        if (made.uid === kernelUid() && made.nlink === 2) fchownSync(fd, creds.uid, creds.gid);
      } finally {
        closeQuietly(fd);
      }
    });
  }

  // --- agents

  private async agentCall<T>(op: string, mode: 'read' | 'write', path: string, options: WalkOptions, fn: (w: Walked, creds: FsCredentials) => T | Promise<T>): Promise<T> {
    if (path.includes('\0')) throw new KernelError(ErrorCode.BAD_REQUEST, `${op}: the path contains a NUL byte`, { path: path.replaceAll('\0', '\\0') });
    const abs = this.resolve(path);
    this.checkRules(op, mode, path, abs);
    for (let attempt = 0; ; attempt++) {
      let w: Walked | null = null;
      try {
        const view = (this.view as () => FsView)();
        w = walk(view, abs, options);
        if (w.real !== abs) this.checkRules(op, mode, path, w.real);
        return await fn(w, view.creds);
      } catch (error) {
        if (error instanceof Raced && attempt < 3) continue;
        throw this.translate(op, path, error);
      } finally {
        w?.release();
      }
    }
  }

  private fileName(op: string, path: string, w: Walked): string {
    if (w.name === null || w.stat?.isDirectory()) throw new KernelError(ErrorCode.FS_ERROR, `${op}: ${path} is a directory`, { path, errno: 'EISDIR' });
    return w.name;
  }

  /** What was opened is a regular file off any pseudo filesystem, the agent may use it, and its name is its only one. */
  private checkOpened(op: string, path: string, w: Walked, fd: number, st: Stats, creds: FsCredentials, want: number): void {
    if (st.dev !== w.dirStat.dev) checkNotPseudo(fd, w.real);
    if (!mayAccess(st, creds, want)) throw this.access(op, path, `uid ${creds.uid} may not ${want === R ? 'read' : 'write'} ${w.real} (${describeAccess(st)})`);
    if (st.nlink > 1 && (creds.uid === 0 || creds.uid === kernelUid())) {
      throw new WalkRefusal(
        'link',
        'fs.hardlink',
        `${w.real} has ${st.nlink} hard links; an agent running with the kernel's uid reaches a file with several names only by opening it itself (its other names may be denied)`,
      );
    }
  }

  private removeTree(dirfd: number, name: string, creds: FsCredentials, real: string): void {
    let fd: number;
    try {
      fd = openDirAt(dirfd, name);
    } catch (error) {
      if (error instanceof UnsafeEntryError) return unlinkSync(at(dirfd, name));
      throw error;
    }
    try {
      const st = fstatSync(fd);
      if (!mayAccess(st, creds, R | W | X)) throw new WalkRefusal('access', 'unix permissions', `uid ${creds.uid} may not empty ${real} (${describeAccess(st)})`);
      for (const child of readdirFd(fd)) {
        const entry = lstatAt(fd, child);
        if (entry === undefined) continue;
        if (!mayRemoveEntry(st, entry, creds)) throw new WalkRefusal('access', 'unix permissions', `uid ${creds.uid} may not remove ${join(real, child)}`);
        if (entry.isDirectory()) this.removeTree(fd, child, creds, join(real, child));
        else unlinkSync(at(fd, child));
      }
    } finally {
      closeQuietly(fd);
    }
    rmdirSync(at(dirfd, name));
  }

  private checkRules(op: string, mode: 'read' | 'write', path: string, candidate: string): void {
    const decision = checkPath(this.permissions as PermissionSet, mode, candidate, { workspace: this.cwd, stateDir: this.stateDir });
    if (!decision.allowed) throw this.onDenied(op, path, decision.rule, decision.reason);
  }

  private access(op: string, path: string, reason: string): KernelError {
    return this.onDenied(op, path, 'unix permissions', reason);
  }

  private translate(op: string, path: string, error: unknown): KernelError {
    if (error instanceof KernelError) return error;
    if (error instanceof WalkRefusal) return this.onDenied(op, path, error.rule, error.message, error.kind === 'link' ? ErrorCode.FS_LINK_REFUSED : ErrorCode.PERMISSION_DENIED);
    if (error instanceof UnsafeEntryError) {
      if (error.kind === 'symlink') return this.onDenied(op, path, 'fs.symlink', `${path} turned into a symlink while the kernel opened it; refused`, ErrorCode.FS_LINK_REFUSED);
      return new KernelError(ErrorCode.FS_ERROR, `${op}: ${path} is not a regular file (a FIFO, socket or device); file syscalls read and write regular files only`, { path, errno: 'EFTYPE' });
    }
    if (error instanceof WalkError) {
      if (error.errno === 'ENOENT') return new KernelError(ErrorCode.FS_NOT_FOUND, `${op}: no such file or directory: ${path}`, { path });
      return new KernelError(ErrorCode.FS_ERROR, `${op}: ${path}: ${error.errno} ${error.message}`, { path, errno: error.errno });
    }
    if (errnoOf(error) === 'ESRCH') return new KernelError(ErrorCode.AGENT_NOT_RUNNING, `${op}: the agent's process is gone; its filesystem view went with it`);
    return fsError(op, path, error);
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

async function plainList(abs: string): Promise<DirEntry[]> {
  const entries = await readdir(abs, { withFileTypes: true });
  const out: DirEntry[] = [];
  for (const entry of entries) {
    const size = entry.isFile() ? await stat(join(abs, entry.name)).then((s) => s.size, () => 0) : 0;
    out.push({ name: entry.name, type: entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : entry.isSymbolicLink() ? 'symlink' : 'other', size });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
