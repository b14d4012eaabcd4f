import type { IsolationReport } from '../../sdk/types.js';
import { cgroupCapability, checkReachable, cleanupLeftovers, commandOf, createLeaf, enforcementReport, type SandboxContext } from './context.js';
import { AgentHandle, launchedWith } from './handle.js';
import { resolveLimits } from './limits.js';
import { absolute } from './mounts.js';
import { rlimitFallbacks } from './namespaces.js';
import type { PreparedLaunch, SandboxBackend, SandboxCapabilities, SandboxSpec } from './backend.js';

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
      cgroup: cgroupCapability(this.ctx),
      notes: [...this.notes, ...(this.ctx.driver ? [] : [this.ctx.cgroupNote]), ...(this.ctx.helperNote ? [this.ctx.helperNote] : [])],
    };
  }

  cleanupLeftovers(): Promise<number> {
    return cleanupLeftovers(this.ctx);
  }

  /** The uid/gid plain agents run as: the configured unprivileged one when the kernel is root, unless told otherwise. */
  agentIds(): { uid: number; gid: number } | null {
    if (process.getuid?.() !== 0 || !this.ctx.helper || this.ctx.options.plainUser === 'kernel') return null;
    return { uid: this.ctx.options.uid, gid: this.ctx.options.gid };
  }

  async prepare(spec: SandboxSpec): Promise<PreparedLaunch> {
    const limits = resolveLimits(spec.limits);
    const cwd = absolute(spec.cwd, process.cwd());
    const command = commandOf(spec);
    const ids = this.agentIds();
    const uid = ids?.uid ?? process.getuid?.() ?? 0;
    const gid = ids?.gid ?? process.getgid?.() ?? 0;
    if (ids) {
      const script = spec.script ? absolute(spec.script, cwd) : null;
      checkReachable({ command, cwd, script }, { uid, gid }, null, `unsandboxed agents of a root kernel run as uid ${uid}; start the kernel with --plain-agents-as-root to keep root`);
    }
    const leaf = await createLeaf(this.ctx, spec.agentId, limits, spec.within);
    const helper = this.ctx.helper;
    const fallbacks = helper ? rlimitFallbacks(leaf, limits, uid) : { args: [], memory: null, pids: null, notes: [] };
    const user = ids ? ['--uid', String(ids.uid), '--gid', String(ids.gid)] : [];
    let launch: { command: string; args: string[] };
    if (helper) {
      // The launcher stays as the agent's supervisor (a subreaper): the agent's whole process
      // tree ends when the agent does, and when the kernel dies.
      const args = ['--die-with-parent', '--subreaper'];
      for (const file of leaf?.procsFiles ?? []) args.push('--cgroup', file);
      launch = { command: helper, args: [...args, ...fallbacks.args, ...user, '--', command, ...spec.args] };
    } else if (leaf) {
      launch = { command: '/bin/sh', args: ['-c', JOIN_SCRIPT, 'clove-join', ...leaf.procsFiles, '--', command, ...spec.args] };
    } else {
      launch = { command, args: [...spec.args] };
    }
    const notes = [...(spec.sandboxed ? this.notes : []), ...fallbacks.notes];
    if (ids) notes.push(`runs as uid ${uid} (the kernel is root; unsandboxed agents do not get root unless the kernel is started with --plain-agents-as-root)`);
    if (!helper) notes.push('no launcher: processes the agent leaves behind (setsid) may outlive it and the kernel');
    if (!leaf) notes.push(this.ctx.cgroupNote);
    if (!helper && this.ctx.helperNote && (limits.memoryBytes !== null || limits.maxPids !== null)) notes.push(this.ctx.helperNote);
    const env = { ...spec.env };
    // The kernel's HOME (root's) is not the agent's when it runs as another user.
    if (ids) env['HOME'] = '/tmp';
    const procsFiles = leaf?.procsFiles ?? [];
    const handle = new AgentHandle(leaf, {
      command: helper && (leaf || ids) ? helper : null,
      cwd,
      env,
      args: async () => [...procsFiles.flatMap((file) => ['--cgroup', file]), ...user],
    });
    return {
      ...launch,
      env,
      cwd,
      isolation: {
        sandboxed: false,
        backend: this.name,
        namespaces: { ...NO_NAMESPACES },
        ...enforcementReport(leaf, limits, fallbacks),
        uid,
        no_new_privs: false,
        notes,
      },
      ...launchedWith(handle),
    };
  }
}
