import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** The repository root; `normalise()` prints it as `<root>`. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** The built CLI entry (`npm run build` writes it; `npm test` builds in pretest). */
export const CLI = join(ROOT, 'dist', 'cli', 'bin.js');

/** Why CLI tests cannot run, or undefined when they can: use with `describe.skipIf(NO_DIST)`. */
export const NO_DIST = existsSync(CLI) ? undefined : `${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`;

export interface CliResult {
  /** The exit code; 128 + N when signal N ended the CLI itself. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** Working directory of the CLI (relative paths in arguments resolve against it). */
  cwd?: string;
  /** Extra environment; `CLOVE_SOCKET` here points the CLI at a daemon. */
  env?: Record<string, string | undefined>;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string;
  /** The CLI is killed after this long, so a hung command fails its test instead of the run; default 20 s. */
  timeoutMs?: number;
}

// Without a daemon the CLI gets a socket path nobody listens on, never the user's real kernel.
const nowhere = join(tmpdir(), `clove-cli-nowhere-${randomUUID()}`, 'k.sock');

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Runs `node dist/cli/bin.js ...args` to the end and returns its exit code and output.
 *
 * @example
 * const { code, stdout } = await runCli(['status', '--json'], { env: daemon.env });
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: '1', CLOVE_SOCKET: nowhere, ...options.env },
    input: options.input ?? '',
    reject: false,
    stripFinalNewline: false,
    timeout: options.timeoutMs ?? 20_000,
  });
  if (result.timedOut) throw new Error(`clove ${args.join(' ')} did not end within ${options.timeoutMs ?? 20_000} ms; stdout so far:\n${result.stdout}\nstderr:\n${result.stderr}`);
  const code = result.exitCode ?? 128 + (SIGNALS[result.signal ?? ''] ?? 0);
  return { code, stdout: result.stdout, stderr: result.stderr };
}

export interface Daemon {
  /** The temporary directory holding the socket, `kernel.log`, `audit.log` and the operator token. */
  dir: string;
  socket: string;
  pid: number;
  /** Environment that points the CLI at this daemon. */
  env: Record<string, string>;
  /** `runCli` against this daemon. */
  cli(args: string[], options?: RunCliOptions): Promise<CliResult>;
  /** `kernel stop`, then removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a real daemon with `clove kernel start --detach --socket <tmp>/k.sock`.
 *
 * @example
 * let daemon: Daemon;
 * beforeAll(async () => (daemon = await withDaemon()));
 * afterAll(() => daemon?.stop());
 */
export async function withDaemon(): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'clove-cli-'));
  const socket = join(dir, 'k.sock');
  const env = { CLOVE_SOCKET: socket };
  const started = await runCli(['kernel', 'start', '--detach', '--socket', socket, '--json'], { env });
  if (started.code !== 0) {
    const log = existsSync(join(dir, 'kernel.log')) ? readFileSync(join(dir, 'kernel.log'), 'utf8') : '(no kernel.log)';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`clove kernel start --detach failed (exit ${started.code}): ${started.stderr}\n${log}`);
  }
  const { pid } = JSON.parse(started.stdout) as { pid: number };
  let stopped = false;
  return {
    dir,
    socket,
    pid,
    env,
    cli: (args, options = {}) => runCli(args, { ...options, env: { ...env, ...options.env } }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await runCli(['kernel', 'stop', '--socket', socket], { env, timeoutMs: 40_000 });
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Replaces machine-specific paths with stable tokens so output can be compared to a snapshot. */
export function normalise(text: string, paths: Record<string, string> = {}): string {
  let out = text;
  const all = Object.entries({ ...paths, [ROOT]: '<root>' }).sort(([a], [b]) => b.length - a.length);
  for (const [path, token] of all) out = out.split(path).join(token);
  return out;
}

/** Parses stdout that must be JSON, failing with the raw output when it is not. */
export function json<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout (exit ${result.code}), got:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}
