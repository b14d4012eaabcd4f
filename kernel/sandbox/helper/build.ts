import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { HELPER_SOURCE } from './source.js';

/** Exit code of the launcher when a sandbox setup step fails (its reason is on stderr). */
export const SETUP_FAILED_EXIT_CODE = 125;

export type HelperBuild = { path: string; built: boolean } | { path: null; reason: string };

export interface HelperOptions {
  /** A prebuilt launcher; skips compiling. */
  helperPath?: string;
  /** Where the compiled launcher is cached; default `$XDG_CACHE_HOME/clove` or `~/.cache/clove`. */
  cacheDir?: string;
  /** C compiler; default `$CC`, then `cc`, then `gcc`. */
  compiler?: string;
}

export function defaultCacheDir(): string {
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'clove');
}

const executable = (path: string): Promise<boolean> =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

const pending = new Map<string, Promise<HelperBuild>>();

/**
 * Returns the path of the sandbox launcher, compiling its C source once per machine (the binary
 * is cached under a hash of the source, so an updated Clove rebuilds it).
 */
export function ensureHelper(options: HelperOptions = {}): Promise<HelperBuild> {
  if (options.helperPath) {
    const path = options.helperPath;
    return executable(path).then((ok) => (ok ? { path, built: false } : { path: null, reason: `launcher ${path} is not executable` }));
  }
  return ensureProgram({ name: 'clove-sandbox', what: 'the sandbox launcher', source: HELPER_SOURCE, otherwise: 'pass helperPath' }, options);
}

/** One of Clove's small C programs: its file name prefix, what it is (for errors) and its source. */
export interface CProgram {
  name: string;
  what: string;
  source: string;
  /** Another way out than installing a compiler, for the error. */
  otherwise?: string;
}

/** Compiles a C program of Clove's once per machine, cached as `<name>-<hash of its source>`. */
export function ensureProgram(program: CProgram, options: Pick<HelperOptions, 'cacheDir' | 'compiler'> = {}): Promise<HelperBuild> {
  const dir = options.cacheDir ?? defaultCacheDir();
  const hash = createHash('sha256').update(program.source).digest('hex').slice(0, 12);
  const target = join(dir, `${program.name}-${hash}`);
  let build = pending.get(target);
  if (!build) {
    build = buildProgram(program, target, dir, options.compiler);
    pending.set(target, build);
  }
  return build;
}

async function buildProgram(program: CProgram, target: string, dir: string, compiler: string | undefined): Promise<HelperBuild> {
  if (await executable(target)) return { path: target, built: false };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const unique = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const source = join(dir, `${program.name}-${unique}.c`);
  const output = `${target}.${unique}.tmp`;
  await writeFile(source, program.source);
  const compilers = compiler ? [compiler] : [process.env['CC'], 'cc', 'gcc'].filter((c): c is string => !!c);
  const failures: string[] = [];
  try {
    for (const cc of compilers) {
      // Static is a little faster to exec; not every system has a static libc, so fall back.
      for (const flags of [['-static'], []]) {
        const result = await execa(cc, ['-O2', ...flags, '-o', output, source], { reject: false, timeout: 60_000 });
        if (result.exitCode === 0) {
          await chmod(output, 0o755);
          await rename(output, target);
          return { path: target, built: true };
        }
        failures.push(`${cc} ${flags.join(' ')}: ${String(result.stderr || result.message).split('\n')[0]}`);
      }
    }
  } finally {
    await rm(source, { force: true });
    await rm(output, { force: true });
  }
  return {
    path: null,
    reason: `no C compiler could build ${program.what} (${failures.join('; ')}); install gcc${program.otherwise ? ` or ${program.otherwise}` : ''}`,
  };
}
