import type { IsolationReport } from '../../sdk/types.js';
import type { CgroupDriver, CgroupLeaf, CgroupLimits } from './cgroup/cgroup.js';
import { SandboxError, SandboxErrorCode, toError } from './errors.js';
import { processAlive } from '../process-liveness.js';
import { SANDBOX_DEFAULTS } from './defaults.js';
import { parseMemory } from './limits.js';
import type { SandboxCapabilities, SandboxSpec } from './backend.js';
import { DEFAULT_HIDDEN, unreachableReason, whichCommand, type MountPlan } from './mounts.js';

export interface SandboxOptions {
  /** 'auto' (default) picks namespaces as root, user namespaces otherwise; 'plain' never isolates. */
  mode?: 'auto' | 'namespaces' | 'userns' | 'plain';
  /** The kernel's state directory (operator token, database): hidden and masked in every sandbox. */
  stateDir?: string;
  /** Directories replaced by an empty tmpfs in sandboxes; default `DEFAULT_HIDDEN` plus `stateDir`. */
  hiddenPaths?: string[];
  /** Files or directories masked even when a bind brings them back into view (e.g. a token file). */
  maskedPaths?: string[];
  /** Unprivileged uid/gid agents run as when the kernel is root; default 65534/65534 (nobody). */
  uid?: number;
  gid?: number;
  /**
   * Who unsandboxed (`sandboxed: false`) agents run as when the kernel is root: 'unprivileged'
   * (default) switches them to `uid`/`gid` too, so they cannot read the operator token or signal
   * and ptrace the kernel; 'kernel' keeps the kernel's own uid (root), an explicit operator choice.
   */
  plainUser?: 'unprivileged' | 'kernel';
  /** Size of each private writable tmpfs of a sandbox (/tmp, /var/tmp, /dev/shm): bytes or "64M". Default 64 MiB. */
  tmpSize?: number | string;
  /** false: never use cgroups. Default true (when a writable hierarchy is found). */
  cgroups?: boolean;
  /** A cgroup v2 root to use instead of detecting (tests: a cgroupfs-shaped temporary directory). */
  cgroupRoot?: string;
  /** Name of the parent cgroup directory; default `clove`. */
  cgroupParent?: string;
  /** How v2 leaves are removed; tests on a plain directory pass a recursive remove. */
  cgroupRemoveDir?: (path: string) => Promise<void>;
  /** A prebuilt launcher binary; default: compiled from source once into `cacheDir`. */
  helperPath?: string;
  cacheDir?: string;
  /** Prefix of cgroup names, identifying this kernel; default the kernel's pid. Must be a pid for cleanup. */
  instance?: number;
}

export interface ResolvedSandboxOptions {
  mode: 'auto' | 'namespaces' | 'userns' | 'plain';
  stateDir: string | null;
  hiddenPaths: string[];
  maskedPaths: string[];
  uid: number;
  gid: number;
  plainUser: 'unprivileged' | 'kernel';
  /** Bytes of each private tmpfs. */
  tmpBytes: number;
  instance: number;
}

export const DEFAULT_TMP_BYTES = SANDBOX_DEFAULTS.tmpBytes;

export const DEFAULT_AGENT_UID = SANDBOX_DEFAULTS.agentUid;

export function resolveOptions(options: SandboxOptions): ResolvedSandboxOptions {
  const stateDir = options.stateDir ?? null;
  return {
    mode: options.mode ?? 'auto',
    stateDir,
    hiddenPaths: [...(options.hiddenPaths ?? DEFAULT_HIDDEN), ...(stateDir ? [stateDir] : [])],
    maskedPaths: [...(options.maskedPaths ?? []), ...(stateDir ? [stateDir] : [])],
    uid: options.uid ?? DEFAULT_AGENT_UID,
    gid: options.gid ?? options.uid ?? DEFAULT_AGENT_UID,
    plainUser: options.plainUser ?? 'unprivileged',
    tmpBytes: options.tmpSize === undefined ? DEFAULT_TMP_BYTES : parseMemory(options.tmpSize),
    instance: options.instance ?? process.pid,
  };
}

/** What every backend shares: resolved options, the cgroup driver, the launcher. */
export interface SandboxContext {
  options: ResolvedSandboxOptions;
  driver: CgroupDriver | null;
  cgroupNote: string;
  helper: string | null;
  helperNote: string | null;
}

let sequence = 0;

/** `agent-<kernel pid>-<agent id>-<seq>`: the kernel pid lets `cleanupLeftovers` tell stale from live. */
export function leafName(instance: number, agentId: number): string {
  sequence += 1;
  return `agent-${instance}-${agentId}-${sequence}`;
}

export function instanceOf(leaf: string): number | null {
  const match = /^agent-(\d+)-/.exec(leaf);
  return match?.[1] ? Number(match[1]) : null;
}

/** Creates the agent's cgroup; inside `within` (its parent agent's group) when the hierarchy nests. */
export async function createLeaf(ctx: SandboxContext, agentId: number, limits: CgroupLimits, within?: string | null): Promise<CgroupLeaf | null> {
  if (!ctx.driver) return null;
  const name = leafName(ctx.options.instance, agentId);
  try {
    return await ctx.driver.create(within && ctx.driver.nests ? `${within}/${name}` : name, limits);
  } catch (error) {
    throw new SandboxError(
      SandboxErrorCode.CGROUP_FAILED,
      `could not create the agent's cgroup under ${ctx.driver.parentPath}: ${toError(error).message}`,
      { cause: error },
    );
  }
}

/** Removes leaves whose kernel is gone (killing their processes first). Returns how many. */
export async function cleanupLeftovers(ctx: SandboxContext): Promise<number> {
  if (!ctx.driver) return 0;
  let removed = 0;
  for (const name of await ctx.driver.list()) {
    const owner = instanceOf(name);
    if (owner === null || owner === ctx.options.instance || processAlive(owner)) continue;
    const leaf = ctx.driver.open(name);
    await (leaf.removeTree ? leaf.removeTree() : leaf.remove());
    removed += 1;
  }
  return removed;
}

type LimitReport = IsolationReport['limits']['memory'];

export function limitReport(requested: number | null, via: string | null): LimitReport {
  return { requested, enforced: requested !== null && via !== null, via: requested !== null ? via : null };
}

/** The cgroup and limit parts of an isolation report: what the leaf, or an rlimit fallback, enforces. */
export function enforcementReport(
  leaf: CgroupLeaf | null,
  limits: CgroupLimits,
  fallbacks: { memory: string | null; pids: string | null },
): Pick<IsolationReport, 'cgroup' | 'limits'> {
  return {
    cgroup: { version: leaf?.version ?? null, path: leaf?.path ?? null },
    limits: {
      memory: limitReport(limits.memoryBytes, cgroupVia(leaf, 'memory') ?? fallbacks.memory),
      cpu: limitReport(limits.cpuCores, cgroupVia(leaf, 'cpu')),
      pids: limitReport(limits.maxPids, cgroupVia(leaf, 'pids') ?? fallbacks.pids),
    },
  };
}

export function cgroupVia(leaf: CgroupLeaf | null, kind: 'memory' | 'cpu' | 'pids'): string | null {
  if (!leaf?.enforced[kind]) return null;
  const files = {
    v1: { memory: 'memory.limit_in_bytes', cpu: 'cpu.cfs_quota_us', pids: 'pids.max' },
    v2: { memory: 'memory.max', cpu: 'cpu.max', pids: 'pids.max' },
  } as const;
  return `cgroup ${leaf.version} ${files[leaf.version][kind]}`;
}

/** The cgroup part of a backend's capabilities: the hierarchy it creates agents' groups in. */
export function cgroupCapability(ctx: SandboxContext): SandboxCapabilities['cgroup'] {
  return ctx.driver ? { version: ctx.driver.version, parent: ctx.driver.parentPath, controllers: [...ctx.driver.controllers] } : null;
}

/** The program a spec runs: its absolute path, found on the spec's PATH (else the kernel's). */
export function commandOf(spec: SandboxSpec): string {
  const command = whichCommand(spec.command, spec.env['PATH'] ?? process.env['PATH']);
  if (!command) throw new SandboxError(SandboxErrorCode.UNREACHABLE, `command ${spec.command} was not found on PATH`);
  return command;
}

/**
 * Refuses a launch whose command, working directory or script the agent's uid cannot reach (in
 * the mount plan, when it has one); `why` says why the agent runs as that uid.
 */
export function checkReachable(paths: { command: string; cwd: string; script: string | null }, ids: { uid: number; gid: number }, plan: MountPlan | null, why?: string): void {
  const checks: Array<[string, string, 'r' | 'x']> = [
    ['command', paths.command, 'x'],
    ['working directory', paths.cwd, 'x'],
    ...(paths.script ? ([['script', paths.script, 'r']] as Array<[string, string, 'r']>) : []),
  ];
  for (const [what, path, need] of checks) {
    const reason = unreachableReason(path, need, ids.uid, ids.gid, plan);
    if (reason) throw new SandboxError(SandboxErrorCode.UNREACHABLE, `the agent's ${what} is unreachable for uid ${ids.uid}${why ? ` (${why})` : ''}: ${reason}`);
  }
}
