import type { IsolationReport } from '../../sdk/types.js';
import { cleanupLeftovers, createLeaf, enforcementReport, type SandboxContext } from './context.js';
import { SandboxError, SandboxErrorCode } from './errors.js';
import { AgentHandle } from './handle.js';
import { resolveLimits } from './limits.js';
import { absolute, whichCommand } from './mounts.js';
import { rlimitFallbacks } from './namespaces.js';
import type { PreparedLaunch, SandboxBackend, SandboxCapabilities, SandboxSpec } from './sandbox.js';

const NO_NAMESPACES: IsolationReport['namespaces'] = { pid: false, net: false, mnt: false, uts: false, ipc: false, user: false };

// Joins every cgroup given before `--`, then execs the rest: used only when the launcher is missing.
const JOIN_SCRIPT = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';

/**
 * No isolation: the agent runs as the kernel's user. It still gets a cgroup when one is available,
 * so limits, metrics, pause and kill-all work, and the launcher joins it before the agent runs.
 */
export class PlainBackend implements SandboxBackend {
  readonly name = 'plain';

  constructor(
    private readonly ctx: SandboxContext,
    private readonly notes: string[] = [],
  ) {}

  probe(): SandboxCapabilities {
    return {
      backend: this.name,
      root: process.getuid?.() === 0,
      launcher: this.ctx.helper,
      namespaces: NO_NAMESPACES,
      cgroup: this.ctx.driver
        ? { version: this.ctx.driver.version, parent: this.ctx.driver.parentPath, controllers: [...this.ctx.driver.controllers] }
        : null,
      notes: [...this.notes, ...(this.ctx.driver ? [] : [this.ctx.cgroupNote]), ...(this.ctx.helperNote ? [this.ctx.helperNote] : [])],
    };
  }

  cleanupLeftovers(): Promise<number> {
    return cleanupLeftovers(this.ctx);
  }

  async prepare(spec: SandboxSpec): Promise<PreparedLaunch> {
    const limits = resolveLimits(spec.limits);
    const cwd = absolute(spec.cwd, process.cwd());
    const command = whichCommand(spec.command, spec.env['PATH'] ?? process.env['PATH']);
    if (!command) throw new SandboxError(SandboxErrorCode.UNREACHABLE, `command ${spec.command} was not found on PATH`);
    const uid = process.getuid?.() ?? 0;
    const leaf = await createLeaf(this.ctx, spec.agentId, limits, spec.within);
    const helper = this.ctx.helper;
    const fallbacks = helper ? rlimitFallbacks(leaf, limits, uid) : { args: [], memory: null, pids: null, notes: [] };
    let launch: { command: string; args: string[] };
    if (helper && (leaf || fallbacks.args.length > 0)) {
      const args = ['--die-with-parent'];
      for (const file of leaf?.procsFiles ?? []) args.push('--cgroup', file);
      launch = { command: helper, args: [...args, ...fallbacks.args, '--', command, ...spec.args] };
    } else if (leaf) {
      launch = { command: '/bin/sh', args: ['-c', JOIN_SCRIPT, 'clove-join', ...leaf.procsFiles, '--', command, ...spec.args] };
    } else {
      launch = { command, args: [...spec.args] };
    }
    const notes = [...(spec.sandboxed ? this.notes : []), ...fallbacks.notes];
    if (!leaf) notes.push(this.ctx.cgroupNote);
    if (!helper && this.ctx.helperNote && (limits.memoryBytes !== null || limits.maxPids !== null)) notes.push(this.ctx.helperNote);
    const env = { ...spec.env };
    const procsFiles = leaf?.procsFiles ?? [];
    const handle = new AgentHandle(leaf, {
      command: helper && leaf ? helper : null,
      cwd,
      env,
      args: async () => procsFiles.flatMap((file) => ['--cgroup', file]),
    });
    return {
      ...launch,
      env,
      cwd,
      detached: true,
      isolation: {
        sandboxed: false,
        backend: this.name,
        namespaces: { ...NO_NAMESPACES },
        ...enforcementReport(leaf, limits, fallbacks),
        uid,
        no_new_privs: false,
        notes,
      },
      handle,
      attach: async (pid) => {
        handle.pid = pid;
      },
    };
  }
}
