import { chown, lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExec, selectBackend, type Sandbox } from '../../kernel/sandbox/index.js';
import { worldPath, type World } from '../../worlds/index.js';
import { ToolFailureError, type ExecOutcome, type ExecRequest } from '../actions/index.js';

let backend: Promise<Sandbox> | null = null;
let execIds = 0;

/** The process-wide sandbox backend for in-process exec (probed once). */
export function sandboxBackend(): Promise<Sandbox> {
  backend ??= selectBackend({ stateDir: join(tmpdir(), `clove-gym-${process.pid}`) });
  return backend;
}

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/tmp', LANG: 'C.UTF-8' };

async function chownTree(path: string, owner: { uid: number; gid: number }): Promise<void> {
  await chown(path, owner.uid, owner.gid).catch(() => undefined);
  const stat = await lstat(path).catch(() => null);
  if (!stat?.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), owner);
}

export interface WorldExecOptions {
  /** Run in the kernel's sandbox backend (namespaces, cgroup, unprivileged uid). Default true. */
  sandbox?: boolean;
  /** Bring what the command wrote back into the world. Default true (false for grading). */
  sync?: boolean;
}

/**
 * Runs one command in a materialised copy of the world's tree and syncs its changes back. The
 * command sees the tree as its working directory root (`cwd` is a world path inside it).
 */
export async function execInWorld(world: World, request: ExecRequest, options: WorldExecOptions = {}): Promise<ExecOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'clove-gym-exec-'));
  // The copy lives at a host path that changes every time: show world paths instead.
  const worldly = (text: string): string => text.split(dir).join('');
  try {
    await world.fs.materialise(dir);
    const cwd = join(dir, ...worldPath(request.cwd).split('/').filter(Boolean));
    const argv = request.args ? [request.command, ...request.args] : ['/bin/sh', '-c', request.command];
    let result;
    if (options.sandbox === false) {
      result = await runExec({ command: null, args: async () => [], cwd, env: ENV }, { command: argv, cwd, timeoutMs: request.timeoutMs });
    } else {
      const sandbox = await sandboxBackend();
      const owner = sandbox.agentOwner();
      if (owner) await chownTree(dir, owner);
      const launch = await sandbox.prepare({
        agentId: 1_000_000 + ++execIds,
        name: 'gym-exec',
        command: argv[0]!,
        args: argv.slice(1),
        cwd,
        env: ENV,
        sandboxed: true,
        network: false,
        limits: {},
        readablePaths: [],
        writablePaths: [dir],
      });
      try {
        result = await runExec({ command: null, args: async () => [], cwd, env: launch.env }, { command: [launch.command, ...launch.args], cwd, timeoutMs: request.timeoutMs });
      } finally {
        await launch.handle.destroy();
      }
    }
    if (options.sync !== false) await world.fs.syncFrom(dir);
    return {
      exit_code: result.exit_code ?? (result.signal ? 128 : 1),
      stdout: worldly(result.stdout),
      stderr: worldly(result.timed_out ? `${result.stderr}\n[killed after ${request.timeoutMs} ms]` : result.stderr),
    };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    throw new ToolFailureError(typeof e.code === 'string' ? e.code : 'EXEC_FAILED', worldly(e.message ?? String(error)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
