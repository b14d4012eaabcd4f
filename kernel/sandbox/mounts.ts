import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { SANDBOX_DEFAULTS } from './defaults.js';

/** Directories a sandboxed agent never sees by default (each becomes an empty tmpfs). */
export const DEFAULT_HIDDEN = ['/root', '/home', '/tmp', '/var/tmp', '/dev/shm', '/run/lock', '/run/user', '/mnt', '/media', '/srv'];

/** Hidden directories that stay writable for everyone (mode 1777), each a private tmpfs of the sandbox's size. */
export const SHARED_TMP = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'];

export interface MountPlan {
  hide: Array<{ path: string; mode: string; size: string }>;
  bind: Array<{ src: string; dst: string; readOnly: boolean }>;
  mask: string[];
}

export interface PlanInput {
  hidden: readonly string[];
  masked: readonly string[];
  readOnly: readonly string[];
  readWrite: readonly string[];
  /** Size of each writable tmpfs (/tmp, /var/tmp, /dev/shm, /run/lock), in bytes. Default 64 MiB. */
  tmpBytes?: number;
}

export function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Hides the `hidden` directories behind empty tmpfs mounts, binds back only what the agent needs
 * (paths under a hidden directory), then masks secrets that a bind brought back into view.
 */
export function planMounts(input: PlanInput): MountPlan {
  const hidden = [...new Set(input.hidden.map(realOrResolved))].sort();
  const hide = hidden
    .filter((path, i) => !hidden.slice(0, i).some((other) => isUnder(path, other)))
    .map((path) => {
      const shared = SHARED_TMP.includes(path);
      return { path, mode: shared ? '1777' : '0755', size: shared ? String(input.tmpBytes ?? SANDBOX_DEFAULTS.tmpBytes) : '1m' };
    });
  const bind: MountPlan['bind'] = [];
  const add = (path: string, readOnly: boolean): void => {
    const src = realOrResolved(path);
    if (!hide.some((h) => isUnder(src, h.path))) return;
    const existing = bind.find((b) => b.src === src);
    if (existing) existing.readOnly &&= readOnly;
    else bind.push({ src, dst: src, readOnly });
  };
  for (const path of input.readWrite) add(path, false);
  for (const path of input.readOnly) add(path, true);
  // Binds below other binds must come after them, or they are covered.
  bind.sort((a, b) => a.dst.split(sep).length - b.dst.split(sep).length);
  return { hide, bind, mask: [...new Set(input.masked.map(realOrResolved))] };
}

export function planArgs(plan: MountPlan): string[] {
  const args: string[] = [];
  for (const h of plan.hide) args.push('--hide', h.path, h.mode, h.size);
  for (const b of plan.bind) args.push('--bind', b.src, b.dst, b.readOnly ? 'ro' : 'rw');
  for (const m of plan.mask) args.push('--mask', m);
  return args;
}

/** Resolves a command name to an absolute path the way execvp would, using `PATH`. */
export function whichCommand(command: string, path = process.env['PATH'] ?? ''): string | null {
  if (command.includes('/')) return resolve(command);
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** The directory tree a runtime needs: `<prefix>` for `<prefix>/bin/<exe>`, else its directory. */
export function runtimeRoot(executable: string): string {
  const dir = dirname(realOrResolved(executable));
  return basename(dir) === 'bin' && dirname(dir) !== '/' ? dirname(dir) : dir;
}

/** True for version-manager shims (pyenv, asdf, rbenv…): scripts that re-exec from the user's home. */
export function isShim(executable: string): boolean {
  if (executable.split(sep).includes('shims')) return true;
  // Only the first bytes: interpreters are megabytes (node is ~100 MB) and this runs on every spawn.
  let fd: number | undefined;
  try {
    fd = openSync(executable, 'r');
    const buf = Buffer.alloc(256);
    const head = buf.toString('latin1', 0, readSync(fd, buf, 0, 256, 0));
    return head.startsWith('#!') && /pyenv|asdf|rbenv|nodenv/.test(head);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function allows(mode: number, ownerUid: number, ownerGid: number, uid: number, gid: number, bit: number): boolean {
  if (uid === 0) return bit !== 1 || (mode & 0o111) !== 0;
  if (ownerUid === uid) return (mode & (bit << 6)) !== 0;
  if (ownerGid === gid) return (mode & (bit << 3)) !== 0;
  return (mode & bit) !== 0;
}

/**
 * Why `uid`/`gid` (no supplementary groups) could not reach `path` inside a sandbox using `plan`
 * (or on the host when `plan` is null), or `null` when it can. `need`: 'r' read, 'x' execute.
 */
export function unreachableReason(path: string, need: 'r' | 'x' | 'rx', uid: number, gid: number, plan: MountPlan | null): string | null {
  const target = realOrResolved(path);
  let start = '/';
  if (plan) {
    const hiddenBy = plan.hide.find((h) => isUnder(target, h.path));
    if (hiddenBy) {
      const via = plan.bind.filter((b) => isUnder(target, b.dst)).sort((a, b) => b.dst.length - a.dst.length)[0];
      if (!via) return `${target} is hidden in the sandbox (under ${hiddenBy.path}); add it to readablePaths`;
      start = via.dst;
    }
  }
  const parts = target.split(sep).filter(Boolean);
  let current = '';
  for (let i = 0; i < parts.length; i++) {
    current += sep + parts[i];
    if (!isUnder(current, start) && current !== start) continue;
    let st;
    try {
      st = statSync(current);
    } catch {
      return `${current} does not exist`;
    }
    const last = i === parts.length - 1;
    if (!last && !allows(st.mode, st.uid, st.gid, uid, gid, 1)) {
      return `uid ${uid} cannot enter ${current} (mode ${(st.mode & 0o7777).toString(8)}, owner ${st.uid})`;
    }
    if (last) {
      if (need.includes('r') && !allows(st.mode, st.uid, st.gid, uid, gid, 4)) {
        return `uid ${uid} cannot read ${current} (mode ${(st.mode & 0o7777).toString(8)}, owner ${st.uid})`;
      }
      if (need.includes('x') && !allows(st.mode, st.uid, st.gid, uid, gid, 1)) {
        return `uid ${uid} cannot execute ${current} (mode ${(st.mode & 0o7777).toString(8)}, owner ${st.uid})`;
      }
    }
  }
  return null;
}

export function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
