import { constants, fchownSync, fstatSync, mkdirSync, openSync, readlinkSync, statfsSync, type Stats } from 'node:fs';
import { at, closeQuietly, errnoOf, fdPath, lstatAt, OPEN_DIR, openDirAt, UnsafeEntryError } from '../../worlds/fs/host-dir.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { CloveError } from '../../sdk/errors.js';
import { controlsLink, describeAccess, kernelUid, mayAccess, W, X, type FsCredentials } from './credentials.js';

/**
 * Where and as whom an agent's file syscalls act: `root` is the root of its view of the filesystem
 * (`/proc/<pid>/root` for an agent in its own mount namespace, so `/tmp` is its private /tmp),
 * `creds` the rights it has there.
 */
export interface FsView {
  root: string;
  creds: FsCredentials;
}

/**
 * Why the walk refused: `link` (a link the agent controls), `access` (its rights), `pseudo` (/proc, /sys...).
 * Not a `KernelError`: HostFs words it (audit, SYSCALL_BLOCKED) before it reaches the caller.
 */
export class WalkRefusal extends CloveError {
  constructor(
    readonly kind: 'link' | 'access' | 'pseudo',
    readonly rule: string,
    message: string,
  ) {
    super(kind === 'link' ? ErrorCode.FS_LINK_REFUSED : ErrorCode.PERMISSION_DENIED, message, { rule });
  }
}

/** A path that is not there, or not a directory where one is needed. */
export class WalkError extends CloveError {
  constructor(
    readonly errno: 'ENOENT' | 'ENOTDIR' | 'ELOOP',
    readonly at: string,
    message: string,
  ) {
    super(errno === 'ENOENT' ? ErrorCode.FS_NOT_FOUND : ErrorCode.FS_ERROR, message, { path: at, errno });
  }
}

/** The end of a walk: the directory holding the last entry, open, and that entry's lstat. */
export interface Walked {
  /** Descriptor of the directory that holds `name` (or of the root, when the path is `/`). */
  dirfd: number;
  dirStat: Stats;
  /** The last component, or null for the root itself. */
  name: string | null;
  /** lstat of the last entry; undefined when it does not exist. */
  stat: Stats | undefined;
  /** The path walked inside the view, links resolved: what permission rules are checked against. */
  real: string;
  release(): void;
}

export interface WalkOptions {
  /** Follow a symlink in the last component (when the agent does not control it). */
  followLast: boolean;
  /** Make missing directories on the way, last component included (MKDIR -p); called before each. */
  create?: (real: string) => void;
}

/** Filesystems whose files are the kernel's or other processes' internals, never reached by file syscalls. */
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x6165676c, 'pstore'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
]);

const MAX_LINKS = 40;

/** Refuses a descriptor on /proc, /sys and other kernel pseudo filesystems. */
export function checkNotPseudo(fd: number, path: string): void {
  const type = PSEUDO_FS.get(Number(statfsSync(fdPath(fd)).type));
  if (type !== undefined) {
    throw new WalkRefusal('pseudo', `fs.pseudo ${type}`, `${path} is on ${type}, a kernel pseudo filesystem that file syscalls do not reach (it holds other processes' environment, memory and the kernel's own state)`);
  }
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/**
 * Walks an absolute path inside a view one component at a time, holding a descriptor for each
 * directory and opening the next with O_NOFOLLOW through `/proc/self/fd/<dirfd>/<name>` (an
 * `openat` Node lacks). A symlink is followed only when the agent does not control it, and then
 * inside the view (an absolute target starts again at the view's root, `..` never climbs above
 * it). Every directory passed must be searchable with the agent's credentials. Nothing on /proc,
 * /sys or another pseudo filesystem is entered.
 */
export function walk(view: FsView, abs: string, options: WalkOptions): Walked {
  const creds = view.creds;
  const rootfd = openSync(view.root, OPEN_DIR & ~constants.O_NOFOLLOW /* the root may be the /proc/<pid>/root magic link */);
  type Level = { fd: number; stat: Stats; path: string };
  const stack: Level[] = [];
  const release = (): void => {
    for (const level of stack) closeQuietly(level.fd);
    stack.length = 0;
  };
  try {
    const rootStat = fstatSync(rootfd);
    stack.push({ fd: rootfd, stat: rootStat, path: '/' });
    checkNotPseudo(rootfd, '/');
    const queue = abs.split('/').filter((s) => s !== '' && s !== '.');
    let links = 0;
    while (queue.length > 0) {
      const name = queue.shift() as string;
      const top = stack[stack.length - 1] as Level;
      if (name === '..') {
        if (stack.length > 1) closeQuietly((stack.pop() as Level).fd);
        continue;
      }
      if (!mayAccess(top.stat, creds, X)) {
        throw new WalkRefusal('access', 'unix permissions', `uid ${creds.uid} may not search ${top.path} (${describeAccess(top.stat)})`);
      }
      const here = join(top.path, name);
      const last = queue.length === 0;
      let st = lstatAt(top.fd, name);
      if (st === undefined && options.create) {
        options.create(here);
        if (!mayAccess(top.stat, creds, W | X)) {
          throw new WalkRefusal('access', 'unix permissions', `uid ${creds.uid} may not create entries in ${top.path} (${describeAccess(top.stat)})`);
        }
        try {
          mkdirSync(at(top.fd, name), 0o755);
        } catch (error) {
          if (errnoOf(error) !== 'EEXIST') throw error;
        }
        const fd = openDirAt(top.fd, name);
        const made = fstatSync(fd);
        // Give the agent what it made, unless an agent swapped in a directory that is not this call's.
        if (creds.uid !== kernelUid() && made.uid === kernelUid() && made.nlink === 2) fchownSync(fd, creds.uid, creds.gid);
        closeQuietly(fd);
        st = lstatAt(top.fd, name);
      }
      if (st === undefined) {
        if (last) return { dirfd: top.fd, dirStat: top.stat, name, stat: undefined, real: here, release };
        throw new WalkError('ENOENT', here, `no such file or directory: ${here}`);
      }
      if (st.isSymbolicLink() && !(last && !options.followLast)) {
        if (controlsLink(top.stat, st, creds)) {
          throw new WalkRefusal(
            'link',
            'fs.symlink',
            `${here} is a symlink the agent could have made or replaced (uid ${creds.uid}; link owner ${st.uid}, directory ${describeAccess(top.stat)}); the kernel does not follow links an agent controls: use the path it points to`,
          );
        }
        if (++links > MAX_LINKS) throw new WalkError('ELOOP', here, `too many levels of symbolic links at ${here}`);
        const target = readlinkSync(at(top.fd, name));
        if (target.startsWith('/')) while (stack.length > 1) closeQuietly((stack.pop() as Level).fd);
        queue.unshift(...target.split('/').filter((s) => s !== '' && s !== '.'));
        continue;
      }
      if (last) return { dirfd: top.fd, dirStat: top.stat, name, stat: st, real: here, release };
      if (!st.isDirectory()) throw new WalkError('ENOTDIR', here, `${here} is not a directory`);
      let fd: number;
      try {
        fd = openDirAt(top.fd, name);
      } catch (error) {
        if (error instanceof UnsafeEntryError) throw new WalkRefusal('link', 'fs.symlink', `${here} changed while the kernel walked it (a directory swapped for a link); refused`);
        throw error;
      }
      const stat = fstatSync(fd);
      stack.push({ fd, stat, path: here });
      if (stat.dev !== top.stat.dev) checkNotPseudo(fd, here);
    }
    const top = stack[stack.length - 1] as Level;
    return { dirfd: top.fd, dirStat: top.stat, name: null, stat: top.stat, real: top.path, release };
  } catch (error) {
    if (stack.length === 0) closeQuietly(rootfd);
    release();
    throw error;
  }
}
