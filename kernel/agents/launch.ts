import { resolve } from 'node:path';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { IsolationReport } from '../../sdk/types.js';
import { KernelError } from '../errors.js';
import { scriptRuntime } from '../script-runtime.js';
import { resolveInterpreter, type Sandbox, type SandboxHandle } from '../sandbox/index.js';
import type { Agent } from './agent.js';

/** How to start an agent's process, before the sandbox has a say. */
export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** A launch the sandbox backend prepared: what to spawn, what is in force, and the handle on it. */
export interface SandboxedLaunch extends Launch {
  isolation: IsolationReport;
  attach(pid: number): Promise<void>;
  handle: SandboxHandle;
  detached: boolean;
}

/** What launch preparation needs to know of the kernel. */
export interface LaunchContext {
  /** The kernel's state directory, which every sandbox hides. */
  stateDir: string;
  /** Paths every agent may read (the package: SDKs and the TypeScript loader; the agents' socket). */
  readablePaths: string[];
  /** The cgroup leaf of the agent's parent, to nest the new group inside. */
  parentCgroup: string | null;
}

/** Resolves what the agent's uid can run and reach, then asks the sandbox backend for the launch. */
export async function prepareLaunch(sandbox: Sandbox, agent: Agent, launch: Launch, context: LaunchContext): Promise<SandboxedLaunch> {
  const request = agent.request;
  const script = agent.record.script;
  let command = launch.command;
  const stateDir = resolve(context.stateDir);
  if (request.sandboxed && (launch.cwd === stateDir || launch.cwd.startsWith(`${stateDir}/`))) {
    throw new KernelError(
      ErrorCode.SANDBOX_UNREACHABLE,
      `SPAWN: the working directory ${launch.cwd} is inside the kernel's state directory ${stateDir}, which every sandbox hides; run the agent from another directory (cwd)`,
    );
  }
  const otherUser = request.sandboxed === true || sandbox.agentOwner(false) !== undefined;
  if (otherUser && agent.record.interpreter) {
    // The kernel's own interpreter may live where the agent's uid cannot go (a pyenv under /root).
    const reachable = resolveInterpreter(script);
    if (!reachable) {
      throw new KernelError(ErrorCode.SANDBOX_UNREACHABLE, `SPAWN: no interpreter for ${script} is reachable by the sandboxed agent's user; install one outside /root and /home (e.g. /usr/bin/python3)`);
    }
    if (scriptRuntime(script) === 'python') command = reachable;
    agent.record.interpreter = command;
  }
  return sandbox.prepare({
    agentId: agent.id,
    name: agent.name,
    command,
    args: launch.args,
    ...(agent.record.interpreter ? { script } : {}),
    cwd: launch.cwd,
    env: launch.env,
    sandboxed: request.sandboxed ?? false,
    network: request.network ?? false,
    limits: request.limits ?? {},
    readablePaths: context.readablePaths,
    writablePaths: [],
    within: context.parentCgroup,
  });
}
