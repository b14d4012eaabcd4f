import { appendFile, lstat, mkdir, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { checkPath, type PermissionSet } from '../permissions/index.js';
import type { DirEntry, FileInfo, FileSystemView, FileType } from './file-system.js';

function typeOf(s: Stats): FileType {
  return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other';
}

export function fsError(op: string, path: string, error: unknown): KernelError {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new KernelError(ErrorCode.FS_NOT_FOUND, `${op}: no such file or directory: ${path}`, { path });
  if (error instanceof KernelError) return error;
  return new KernelError(ErrorCode.FS_ERROR, `${op}: ${path}: ${e.code ?? ''} ${e.message}`.trim(), { path, errno: e.code });
}

/**
 * The host filesystem as seen by one caller: relative paths start at its working directory and,
 * for agents, every access is checked against its permission set on the path's real location
 * (so a symlink cannot lead around a deny rule).
 */
export class HostFileSystem implements FileSystemView {
  readonly kind = 'host';

  constructor(
    private readonly cwd: string,
    private readonly permissions: PermissionSet | null,
    private readonly stateDir: string,
    private readonly onDenied: (op: string, path: string, rule: string, reason: string) => KernelError,
  ) {}

  resolve(path: string): string {
    return isAbsolute(path) ? resolve(path) : resolve(this.cwd, path);
  }

  async read(path: string): Promise<Buffer> {
    const abs = await this.check('READ', 'read', path);
    return readFile(abs).catch((e: unknown) => {
      throw fsError('READ', path, e);
    });
  }

  async write(path: string, data: Buffer, mode: 'w' | 'a'): Promise<void> {
    const abs = await this.check('WRITE', 'write', path);
    await (mode === 'a' ? appendFile(abs, data) : writeFile(abs, data)).catch((e: unknown) => {
      throw fsError('WRITE', path, e);
    });
  }

  async stat(path: string): Promise<FileInfo> {
    const abs = await this.check('STAT', 'read', path);
    const s = await lstat(abs).catch((e: unknown) => {
      throw fsError('STAT', path, e);
    });
    return { path: abs, type: typeOf(s), size: s.size, mode: s.mode & 0o7777, mtime_ms: Math.round(s.mtimeMs) };
  }

  async list(path: string): Promise<DirEntry[]> {
    const abs = await this.check('LISTDIR', 'read', path);
    const entries = await readdir(abs, { withFileTypes: true }).catch((e: unknown) => {
      throw fsError('LISTDIR', path, e);
    });
    const out: DirEntry[] = [];
    for (const entry of entries) {
      const size = entry.isFile() ? await stat(join(abs, entry.name)).then((s) => s.size, () => 0) : 0;
      out.push({ name: entry.name, type: entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : entry.isSymbolicLink() ? 'symlink' : 'other', size });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(path: string, recursive: boolean): Promise<void> {
    const abs = await this.check('UNLINK', 'write', path);
    await lstat(abs).catch((e: unknown) => {
      throw fsError('UNLINK', path, e);
    });
    await rm(abs, { recursive }).catch((e: unknown) => {
      throw fsError('UNLINK', path, e);
    });
  }

  async mkdir(path: string, recursive: boolean): Promise<void> {
    const abs = await this.check('MKDIR', 'write', path);
    await mkdir(abs, { recursive }).catch((e: unknown) => {
      throw fsError('MKDIR', path, e);
    });
  }

  /** The path's real location (its deepest existing ancestor resolved), checked against the permissions. */
  private async check(op: string, mode: 'read' | 'write', path: string): Promise<string> {
    const abs = this.resolve(path);
    if (!this.permissions) return abs;
    const real = await realLocation(abs);
    for (const candidate of new Set([abs, real])) {
      const decision = checkPath(this.permissions, mode, candidate, { workspace: this.cwd, stateDir: this.stateDir });
      if (!decision.allowed) throw this.onDenied(op, path, decision.rule, decision.reason);
    }
    return abs;
  }
}

async function realLocation(abs: string): Promise<string> {
  const tail: string[] = [];
  let dir = abs;
  for (;;) {
    try {
      return join(await realpath(dir), ...tail.reverse());
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return abs;
      tail.push(basename(dir));
      dir = parent;
    }
  }
}
