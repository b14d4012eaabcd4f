import type { Stats } from 'node:fs';

/** Whose rights a file syscall uses: the calling agent's uid, primary gid and supplementary groups. */
export interface FsCredentials {
  uid: number;
  gid: number;
  groups: readonly number[];
}

export const R = 4;
export const W = 2;
export const X = 1;

/**
 * Whether `creds` may read (4), write (2) and/or search/execute (1) what `st` describes, by its owner,
 * group and mode bits, the way the Linux kernel decides it for a process without capabilities
 * (uid 0 is treated as root: everything but executing a file no one may execute). POSIX ACLs are not
 * consulted: a file with an ACL is judged by its mode bits (the ACL mask is in the group bits).
 */
export function mayAccess(st: Stats, creds: FsCredentials, want: number): boolean {
  if (creds.uid === 0) return !(want & X) || st.isDirectory() || (st.mode & 0o111) !== 0;
  const shift = st.uid === creds.uid ? 6 : st.gid === creds.gid || creds.groups.includes(st.gid) ? 3 : 0;
  return ((st.mode >> shift) & want) === want;
}

/**
 * Whether the agent could have made or replaced `link` (a symlink) in the directory `dir`: it runs
 * as root or as the kernel's own uid, it owns the link or the directory (an owner can always chmod
 * it writable), or it may write the directory and no sticky bit protects others' entries.
 * The kernel follows no link the agent controls.
 */
export function controlsLink(dir: Stats, link: Stats, creds: FsCredentials): boolean {
  if (creds.uid === 0 || creds.uid === kernelUid()) return true;
  if (link.uid === creds.uid || dir.uid === creds.uid) return true;
  return mayAccess(dir, creds, W | X) && (dir.mode & 0o1000) === 0;
}

/** Whether an agent with `creds` may remove or rename the entry `st` in `dir` (write + sticky rules). */
export function mayRemoveEntry(dir: Stats, st: Stats, creds: FsCredentials): boolean {
  if (!mayAccess(dir, creds, W | X)) return false;
  if (creds.uid === 0 || (dir.mode & 0o1000) === 0) return true;
  return st.uid === creds.uid || dir.uid === creds.uid;
}

export function kernelUid(): number {
  return process.geteuid?.() ?? 0;
}

/** The kernel's own credentials (agents that run as plain child processes have them). */
export function kernelCredentials(): FsCredentials {
  return { uid: kernelUid(), gid: process.getegid?.() ?? 0, groups: process.getgroups?.() ?? [] };
}

/** `rwxr-x---` style owner/mode words for error messages. */
export function describeAccess(st: Stats): string {
  return `mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${st.uid}:${st.gid}`;
}
