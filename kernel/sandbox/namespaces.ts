import { dirname } from 'node:path';
import type { IsolationReport } from '../../sdk/types.js';
import type { CgroupLeaf, CgroupLimits } from './cgroup/cgroup.js';
import { cgroupCapability, checkReachable, cleanupLeftovers, commandOf, createLeaf, enforcementReport, type SandboxContext } from './context.js';
import { SandboxError, SandboxErrorCode } from './errors.js';
import { namespaceMember } from './exec.js';
import { AgentHandle, launchedWith } from './handle.js';
import { resolveLimits } from './limits.js';
import { absolute, isShim, isUnder, planArgs, planMounts, runtimeRoot, type MountPlan } from './mounts.js';
import type { PreparedLaunch, SandboxBackend, SandboxCapabilities, SandboxSpec } from './backend.js';

/** Architectures the launcher's seccomp filter is written for. */
const SECCOMP_ARCHES = new Set(['x64', 'arm64']);

export type Namespace = keyof IsolationReport['namespaces'];
export const ALL_NAMESPACES: readonly Namespace[] = ['pid', 'net', 'mnt', 'uts', 'ipc', 'user'];

/** Which namespaces the launcher could create at probe time, and whether via a user namespace. */
export interface NamespaceSupport {
  available: ReadonlySet<Namespace>;
  userns: boolean;
  /** Whether the launcher could install its seccomp filter here (probed); default: by architecture. */
  seccomp?: boolean;
}

interface Fallbacks {
  args: string[];
  memory: string | null;
  pids: string | null;
  notes: string[];
}

/** rlimits for what the cgroup does not enforce; each one reported with what it really limits. */
export function rlimitFallbacks(leaf: CgroupLeaf | null, limits: CgroupLimits, uid: number): Fallbacks {
  const out: Fallbacks = { args: [], memory: null, pids: null, notes: [] };
  if (limits.memoryBytes !== null && !leaf?.enforced.memory) {
    out.args.push('--rlimit', 'data', String(limits.memoryBytes), String(limits.memoryBytes));
    out.memory = 'rlimit RLIMIT_DATA';
    out.notes.push('memory: RLIMIT_DATA caps heap and anonymous mappings (allocations fail), not resident memory; no OOM kill is recorded');
  }
  if (limits.maxPids !== null && !leaf?.enforced.pids) {
    if (uid !== 0) {
      out.args.push('--rlimit', 'nproc', String(limits.maxPids), String(limits.maxPids));
      out.pids = 'rlimit RLIMIT_NPROC';
      out.notes.push(`pids: RLIMIT_NPROC counts every process of uid ${uid} on the machine, not only this agent's`);
    } else {
      out.notes.push('pids: not enforced (no pids cgroup, and RLIMIT_NPROC does not apply to root)');
    }
  }
  if (limits.cpuCores !== null && !leaf?.enforced.cpu) out.notes.push('cpu: not enforced (needs the cpu cgroup controller)');
  return out;
}

function hostnameOf(name: string): string {
  return name.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 63) || 'agent';
}

/**
 * The isolating backend: the launcher joins the cgroup, unshares pid/net/mnt/uts/ipc (inside a
 * user namespace when not root), hides host paths, drops to an unprivileged uid with no_new_privs,
 * then execs the agent. With fewer namespaces available it does what it can and reports it.
 */
export class NamespacesBackend implements SandboxBackend {
  readonly name: string;

  constructor(
    private readonly ctx: SandboxContext & { helper: string },
    private readonly support: NamespaceSupport,
    private readonly notes: string[] = [],
  ) {
    this.name = support.available.size === 0 ? 'rlimits' : support.userns ? 'userns' : 'namespaces';
  }

  private get root(): boolean {
    return process.getuid?.() === 0;
  }

  /**
   * Root outside a user namespace switches to the configured uid. Inside a user namespace only the
   * kernel's own ids can be mapped (no CAP_SETUID in the parent namespace), so the agent keeps them,
   * with an empty capability bounding set and no_new_privs.
   */
  private get switchesUser(): boolean {
    return this.root && !this.support.userns;
  }

  /** The uid the agent runs as: the configured one when root, else the kernel's own. */
  private agentIds(): { uid: number; gid: number } {
    if (this.switchesUser) return { uid: this.ctx.options.uid, gid: this.ctx.options.gid };
    return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  }

  probe(): SandboxCapabilities {
    const ns = Object.fromEntries(ALL_NAMESPACES.map((n) => [n, this.support.available.has(n)])) as IsolationReport['namespaces'];
    return {
      backend: this.name,
      root: this.root,
      launcher: this.ctx.helper,
      namespaces: ns,
      cgroup: cgroupCapability(this.ctx),
      notes: [...this.notes, ...(this.ctx.driver ? [] : [this.ctx.cgroupNote])],
    };
  }

  cleanupLeftovers(): Promise<number> {
    return cleanupLeftovers(this.ctx);
  }

  async prepare(spec: SandboxSpec): Promise<PreparedLaunch> {
    const limits = resolveLimits(spec.limits);
    const { uid, gid } = this.agentIds();
    const has = (n: Namespace): boolean => this.support.available.has(n);
    const cwd = absolute(spec.cwd, process.cwd());
    const command = commandOf(spec);
    if (isShim(command)) {
      throw new SandboxError(
        SandboxErrorCode.UNREACHABLE,
        `${command} is a version-manager shim that re-executes from its owner's home; the agent's uid ${uid} cannot run it. Use a real interpreter path (resolveInterpreter) such as /usr/bin/python3`,
      );
    }
    const script = spec.script ? absolute(spec.script, cwd) : null;
    const useMnt = has('mnt');
    const notes: string[] = [];
    let plan: MountPlan | null = null;
    if (useMnt) {
      // The script's directory is bound read-only (its modules beside it), except when that is a
      // hidden directory itself (/tmp, /home): then only the file, so the host's /tmp stays hidden
      // and the sandbox's own /tmp stays writable for the binds below it (a world's tree).
      const hiddenRoots = this.ctx.options.hiddenPaths.map((h) => absolute(h, '/'));
      const scriptBind = script ? (hiddenRoots.includes(dirname(script)) ? script : dirname(script)) : null;
      plan = planMounts({
        hidden: this.ctx.options.hiddenPaths,
        masked: this.ctx.options.maskedPaths,
        tmpBytes: this.ctx.options.tmpBytes,
        readOnly: [runtimeRoot(command), ...(scriptBind ? [scriptBind] : []), ...spec.readablePaths.map((p) => absolute(p, cwd))],
        readWrite: [cwd, ...spec.writablePaths.map((p) => absolute(p, cwd))],
      });
      for (const b of plan.bind) notes.push(`${b.readOnly ? 'read-only' : 'read-write'} bind: ${b.src}`);
    }
    checkReachable({ command, cwd, script }, { uid, gid }, plan);
    const leaf = await createLeaf(this.ctx, spec.agentId, limits, spec.within);
    const fallbacks = rlimitFallbacks(leaf, limits, uid);
    const namespaces = ALL_NAMESPACES.filter((n) => has(n) && !(n === 'net' && spec.network));
    const args = ['--die-with-parent'];
    for (const file of leaf?.procsFiles ?? []) args.push('--cgroup', file);
    if (namespaces.length > 0) args.push('--ns', namespaces.join(','));
    if (namespaces.includes('user')) {
      args.push('--map-uid', String(uid), String(uid), '--map-gid', String(gid), String(gid), '--deny-setgroups');
    }
    if (namespaces.includes('pid') && useMnt) args.push('--proc');
    if (namespaces.includes('uts')) args.push('--hostname', hostnameOf(spec.name));
    if (namespaces.includes('net')) args.push('--lo');
    if (plan) args.push(...planArgs(plan));
    if (this.switchesUser) args.push('--uid', String(uid), '--gid', String(gid));
    const seccomp = (this.support.seccomp ?? SECCOMP_ARCHES.has(process.arch)) ? ['--seccomp'] : [];
    args.push('--nnp', '--drop-caps', ...seccomp, '--cwd', cwd, ...fallbacks.args, '--', command, ...spec.args);

    if (spec.network) notes.push('network: shares the host network (network: true)');
    if (seccomp.length > 0) notes.push('syscall filter (seccomp): no new namespaces, mounts, ptrace, keyring, bpf, perf events, io_uring, modules');
    else notes.push(`no syscall filter: the launcher could not install its seccomp filter here (${process.arch}); user namespaces may be creatable`);
    if (useMnt) notes.push(`private tmpfs of ${this.ctx.options.tmpBytes} bytes each: /tmp, /var/tmp, /dev/shm, /run/lock`);
    if (namespaces.includes('user')) notes.push(`runs as the kernel's own uid ${uid} inside a user namespace, with no capabilities and no_new_privs`);
    if (namespaces.includes('user') && this.root) notes.push('uid 0 in a user namespace: host files owned by root stay writable where Unix permissions allow; prefer the namespaces backend as root');
    if (namespaces.includes('pid') && !useMnt) notes.push('pid: /proc still shows host processes (no mount namespace to remount it)');
    const env = { ...spec.env };
    const home = env['HOME'];
    if (plan && (home === undefined || plan.hide.some((h) => isUnder(home, h.path)))) env['HOME'] = '/tmp';

    const procsFiles = leaf?.procsFiles ?? [];
    const switchesUser = this.switchesUser;
    const handle: AgentHandle = new AgentHandle(leaf, {
      command: this.ctx.helper,
      cwd,
      env,
      async args() {
        const joined: string[] = [];
        for (const file of procsFiles) joined.push('--cgroup', file);
        if (namespaces.length > 0) {
          const member = handle.pid === null ? null : await namespaceMember(handle.pid);
          if (member === null) throw new SandboxError(SandboxErrorCode.NOT_RUNNING, `agent ${spec.name} is not running, so EXEC cannot enter its sandbox`);
          joined.push('--join', String(member));
        }
        if (switchesUser) joined.push('--uid', String(uid), '--gid', String(gid));
        return [...joined, '--nnp', '--drop-caps', ...seccomp, '--cwd', cwd, ...fallbacks.args];
      },
    });
    const isolation: IsolationReport = {
      sandboxed: namespaces.length > 0 || this.switchesUser,
      backend: this.name,
      namespaces: Object.fromEntries(ALL_NAMESPACES.map((n) => [n, namespaces.includes(n)])) as IsolationReport['namespaces'],
      ...enforcementReport(leaf, limits, fallbacks),
      uid,
      no_new_privs: true,
      notes: [...notes, ...fallbacks.notes, ...(leaf ? [] : [this.ctx.cgroupNote])],
    };
    return {
      command: this.ctx.helper,
      args,
      env,
      cwd,
      isolation,
      ...launchedWith(handle),
    };
  }
}
