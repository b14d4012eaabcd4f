import { FsPathEscapeError } from '../errors.js';

/**
 * Normalises a world path to `/a/b` form. Relative paths are taken from the world root. `.` and
 * empty segments are dropped; `..` may climb only as far as `/`.
 *
 * @example
 * worldPath('/project/./src//a.ts'); // '/project/src/a.ts'
 * worldPath('/project/../../etc');   // throws FsPathEscapeError (FS_PATH_ESCAPE)
 */
export function worldPath(input: string): string {
  // Most paths an agent or a tool passes are already normal; they are returned as they are.
  if (typeof input === 'string' && isNormal(input)) return input;
  if (typeof input !== 'string') throw new FsPathEscapeError(String(input), 'a path must be a string');
  if (input.includes('\0')) throw new FsPathEscapeError(input, 'it contains a NUL byte');
  if (input.includes('\\')) throw new FsPathEscapeError(input, 'backslashes are not path separators in a world');
  if (/^[A-Za-z]:/.test(input) || /^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    throw new FsPathEscapeError(input, 'host paths and URLs are not world paths');
  }
  const out: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) throw new FsPathEscapeError(input, '".." climbs above the world root');
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return `/${out.join('/')}`;
}

const SLASH = 47;
const DOT = 46;

/** Absolute, no empty, `.` or `..` segment, no trailing slash, no NUL or backslash. */
function isNormal(input: string): boolean {
  const n = input.length;
  if (n === 0 || input.charCodeAt(0) !== SLASH) return false;
  if (n === 1) return true;
  if (input.charCodeAt(n - 1) === SLASH) return false;
  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c === 0 || c === 92) return false;
    if (c !== SLASH) continue;
    // A segment starts at i + 1: refuse `//`, `/.` and `/..` as whole segments.
    if (input.charCodeAt(i + 1) === SLASH) return false;
    if (input.charCodeAt(i + 1) !== DOT) continue;
    const after = i + 2 < n ? input.charCodeAt(i + 2) : SLASH;
    if (after === SLASH) return false;
    if (after === DOT && (i + 3 >= n || input.charCodeAt(i + 3) === SLASH)) return false;
  }
  return true;
}

/** Parent of a normalised world path (`/` is its own parent). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last segment of a normalised world path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** Whether `path` is `root` or below it. */
export function isWithin(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}

/** `/`, `/a`, `/a/b` for `/a/b`. */
export function ancestorsAndSelf(path: string): string[] {
  const out = ['/'];
  if (path === '/') return out;
  let i = path.indexOf('/', 1);
  while (i !== -1) {
    out.push(path.slice(0, i));
    i = path.indexOf('/', i + 1);
  }
  out.push(path);
  return out;
}

/** Parses a file mode from a world file: 420, "0644", "755". */
export function parseMode(mode: number | string | undefined, fallback: number): number {
  if (mode === undefined) return fallback;
  if (typeof mode === 'number') return mode & 0o7777;
  return Number.parseInt(mode, 8) & 0o7777;
}
