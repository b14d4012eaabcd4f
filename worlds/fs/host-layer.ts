import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { FsError, FsPathEscapeError } from '../errors.js';
import type { CapturedLayer, LayerEntry, ReadonlyLayer } from './layer.js';
import { isWithin, joinPath } from './path.js';

/**
 * A host directory mounted read-only at a world path. Files are read from disk when asked; symlinks
 * that resolve outside the mounted directory are invisible and reading through one throws
 * `FS_PATH_ESCAPE`. The layer never writes to the host. Treat the host directory as immutable while
 * the world lives: its first capture (snapshot, fork) is cached.
 *
 * @example
 * const layer = new HostLayer('./fixtures/project', '/project');
 * layer.readdir('/project');
 */
export class HostLayer implements ReadonlyLayer {
  readonly name: string;
  readonly #root: string;
  readonly #at: string;
  #captured: CapturedLayer | undefined;

  constructor(hostDir: string, at: string) {
    try {
      this.#root = realpathSync.native(hostDir);
      if (!statSync(this.#root).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      throw new FsError(at, 'mount', 'ENOENT', `host directory ${hostDir} does not exist or is not a directory; fix filesystem.mounts[].host (relative paths start at the world file's directory)`);
    }
    this.#at = at;
    this.name = `mount:${hostDir}`;
  }

  stat(path: string): LayerEntry | undefined {
    if (path !== this.#at && isWithin(this.#at, path)) return { type: 'dir', mode: 0o755, size: 0 };
    const host = this.#hostPath(path);
    if (host === undefined) return undefined;
    const real = this.#resolve(path, host);
    if (real === undefined) return undefined;
    const st = statSync(real, { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    if (st.isDirectory()) return { type: 'dir', mode: st.mode & 0o7777, size: 0 };
    if (st.isFile()) return { type: 'file', mode: st.mode & 0o7777, size: st.size };
    return undefined;
  }

  readFile(path: string): Buffer {
    const host = this.#hostPath(path);
    const real = host === undefined ? undefined : this.#resolve(path, host);
    if (real === undefined) throw new FsError(path, 'read', 'ENOENT', 'not in this mount');
    return readFileSync(real);
  }

  readdir(path: string): string[] {
    if (path !== this.#at && isWithin(this.#at, path)) {
      const rest = this.#at.slice(path === '/' ? 1 : path.length + 1);
      return [rest.split('/')[0] as string];
    }
    const host = this.#hostPath(path);
    if (host === undefined) return [];
    let real: string | undefined;
    try {
      real = this.#resolve(path, host);
    } catch {
      return [];
    }
    if (real === undefined) return [];
    let names: string[];
    try {
      names = readdirSync(real);
    } catch {
      return [];
    }
    return names.filter((name) => {
      try {
        return this.#resolve(joinPath(path, name), join(real as string, name)) !== undefined;
      } catch {
        return false; // a symlink out of the mount: not part of the world
      }
    });
  }

  capture(): CapturedLayer {
    if (this.#captured !== undefined) return this.#captured;
    const files: CapturedLayer['files'] = [];
    const dirs: string[] = [];
    const walk = (dir: string): void => {
      const names = this.readdir(dir).sort();
      if (names.length === 0 && dir !== '/') dirs.push(dir);
      for (const name of names) {
        const path = joinPath(dir, name);
        const entry = this.stat(path);
        if (entry?.type === 'dir') walk(path);
        else if (entry?.type === 'file') files.push([path, entry.mode, this.readFile(path)]);
      }
    };
    walk('/');
    this.#captured = { name: this.name, files, dirs };
    return this.#captured;
  }

  #hostPath(path: string): string | undefined {
    if (!isWithin(path, this.#at)) return undefined;
    const rest = path === this.#at ? '' : path.slice(this.#at === '/' ? 1 : this.#at.length + 1);
    return rest === '' ? this.#root : join(this.#root, ...rest.split('/'));
  }

  /** Resolves symlinks; undefined when missing; throws when the real path leaves the mount. */
  #resolve(path: string, host: string): string | undefined {
    let real: string;
    try {
      real = realpathSync.native(host);
    } catch {
      return undefined;
    }
    if (real !== this.#root && !real.startsWith(this.#root + sep)) {
      throw new FsPathEscapeError(path, 'a symlink in the mounted host directory points outside it');
    }
    return real;
  }
}
