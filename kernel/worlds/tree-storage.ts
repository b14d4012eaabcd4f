import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, statfsSync } from 'node:fs';
import { promisify } from 'node:util';
import { mounter, requestSafe } from './mounter.js';

const run = promisify(execFile);

/** tmpfs counts a file's data in whole pages. */
export const PAGE = 4096;
/** Room beyond the computed need: metadata of the mount and rounding. */
const SLACK = 1024 * 1024;
/** The source name world mounts carry in /proc/self/mountinfo (how cleanup recognises them). */
export const MOUNT_SOURCE = 'clove-world';

/** What the storage under a world's tree is: a size-limited tmpfs, or the host's disk and why. */
export type TreeStorage =
  | { kind: 'tmpfs'; sizeBytes: number; inodes: number }
  | { kind: 'disk'; reason: string };

/** What a world's tree may hold: its limits and what it holds already. */
export interface TreeNeed {
  /** The world's filesystem limits (apparent bytes and files beyond its lower layers). */
  limits: { bytes: number; files: number };
  /** What the world's lower layers put in the tree (the limits do not cover them): entries, file bytes rounded up to pages. */
  footprint: { lowerEntries: number; lowerBlocks: number };
}

/**
 * The size of the tmpfs under a world's tree: what its lower layers show (rounded to pages), plus
 * the world's bytes limit, plus one page per file of its files limit (tmpfs stores a file's last
 * partial page whole: 10,000 one-byte files take 40 MiB), plus 1 MiB. Inodes: the lower layers'
 * entries plus the files limit plus 1,024. Null when a limit is unbounded (nothing to size it by).
 */
export function treeSize(need: TreeNeed): { sizeBytes: number; inodes: number } | null {
  const { bytes, files } = need.limits;
  if (!Number.isFinite(bytes) || !Number.isFinite(files)) return null;
  const sizeBytes = Math.ceil((need.footprint.lowerBlocks + bytes + files * PAGE + SLACK) / PAGE) * PAGE;
  return { sizeBytes, inodes: need.footprint.lowerEntries + files + 1024 };
}

let mountTool: string | null | undefined;

/** Why world trees cannot get their own mounts here, or null when they can (root with `mount`). */
export function mountUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'the kernel is not root (mounting a tmpfs needs CAP_SYS_ADMIN)';
  if (mountTool === undefined) {
    try {
      execFileSync('mount', ['--version'], { stdio: 'ignore' });
      mountTool = 'mount';
    } catch {
      mountTool = null;
    }
  }
  return mountTool ? null : 'no `mount` program on PATH';
}

function tmpfsOptions(size: { sizeBytes: number; inodes: number }): string {
  return `size=${size.sizeBytes},nr_inodes=${size.inodes}`;
}

/**
 * Mounts a size-limited tmpfs at `dir` (nosuid, nodev; mode 0711: agents pass through to the tree
 * below, nobody lists it). Throws with the mount program's message.
 */
export async function mountTree(dir: string, size: { sizeBytes: number; inodes: number }): Promise<void> {
  if (await viaMounter(['mount', dir, `${tmpfsOptions(size)},mode=0711`])) return;
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `${tmpfsOptions(size)},mode=0711,nosuid,nodev`, MOUNT_SOURCE, dir]);
  } catch (error) {
    throw new Error(mountMessage(error));
  }
}

/** Changes the size of a world's tmpfs; fails (EINVAL) when it holds more than the new size. */
export async function resizeTree(dir: string, size: { sizeBytes: number; inodes: number }): Promise<void> {
  if (await viaMounter(['remount', dir, tmpfsOptions(size)])) return;
  try {
    await run('mount', ['-o', `remount,${tmpfsOptions(size)}`, dir]);
  } catch (error) {
    throw new Error(mountMessage(error));
  }
}

/** Bytes and inodes in use on the filesystem holding `dir`. */
export function treeUsed(dir: string): { bytes: number; inodes: number } {
  const s = statfsSync(dir);
  return { bytes: (s.blocks - s.bfree) * s.bsize, inodes: s.files - s.ffree };
}

/** Mount points at or below `path` in this mount namespace, deepest first. */
export function mountsUnder(path: string): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const prefix = path.endsWith('/') ? path : `${path}/`;
  const found = new Set<string>();
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    // mountinfo escapes space, tab, newline and backslash as \ooo.
    const point = field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    if (point === path || point.startsWith(prefix)) found.add(point);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * Detaches every mount at or below `path` (lazily: an agent still inside keeps its view until it
 * leaves, then the memory is freed). Synchronous, for start-up cleanup and stop. Returns the mount
 * points it could not detach, with why.
 */
export function unmountTree(path: string): string[] {
  const failed: string[] = [];
  for (const point of mountsUnder(path)) {
    try {
      execFileSync('umount', ['-l', point], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      failed.push(`${point}: ${mountMessage(error)}`);
    }
  }
  return failed;
}

/** `unmountTree` without blocking the event loop (a world destroyed while the kernel serves). */
export async function unmountTreeAsync(path: string): Promise<string[]> {
  const failed: string[] = [];
  for (const point of mountsUnder(path)) {
    try {
      if (await viaMounter(['umount', point])) continue;
      await run('umount', ['-l', point]);
    } catch (error) {
      failed.push(`${point}: ${mountMessage(error)}`);
    }
  }
  return failed;
}

/**
 * Sends the request to the mount helper: true when it was done there, false when the helper
 * cannot run here (mount(8) does it then). Throws the helper's error.
 */
async function viaMounter(request: [string, ...string[]]): Promise<boolean> {
  if (!requestSafe(...request)) return false;
  const helper = await mounter(MOUNT_SOURCE);
  if (!helper) return false;
  await helper.request(request);
  return true;
}

function mountMessage(error: unknown): string {
  const e = error as { stderr?: Buffer | string; message?: string };
  const stderr = e.stderr ? String(e.stderr).trim() : '';
  return stderr || (e.message ?? String(error));
}
