/**
 * The sandbox's contract with the kernel: what it is asked (a spec), what it answers (a prepared
 * launch and a handle on the launched agent), and what every backend provides.
 */
import type { ExecResult, IsolationReport, SpawnLimits } from '../../sdk/types.js';
import type { CgroupStats } from './cgroup/cgroup.js';

export type { CgroupStats } from './cgroup/cgroup.js';

/** One EXEC inside an agent's sandbox. */
export interface ExecRequest {
  /** A shell command line (run with /bin/sh -c) or an argv array (run directly). */
  command: string | string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Default 30 000 ms; the whole process tree is killed when it expires. */
  timeoutMs?: number;
  /** Per stream; output beyond it is dropped and `*_truncated` is set. Default 1 MiB. */
  maxOutputBytes?: number;
  stdin?: string;
}

/** What the kernel asks for when it spawns one agent. */
export interface SandboxSpec {
  agentId: number;
  /** Agent name; becomes the hostname inside a UTS namespace. */
  name: string;
  /** Executable: an absolute path or a name looked up on `env.PATH`. Interpreters: see `resolveInterpreter`. */
  command: string;
  args: string[];
  /** The agent's script, when `command` is an interpreter: it is bound in read-only and checked for reachability. */
  script?: string;
  cwd: string;
  env: Record<string, string>;
  sandboxed: boolean;
  network: boolean;
  limits: SpawnLimits;
  /** Extra paths the agent may read (bound in read-only when they are hidden by default). */
  readablePaths: string[];
  /** Extra paths the agent may write (bound in read-write; Unix permissions still apply). */
  writablePaths: string[];
  /** The cgroup (leaf name) of the agent that spawned this one: the new group nests inside it where the hierarchy allows, so the parent's limits count the child too. */
  within?: string | null;
}

export type FreezeMethod = 'freezer' | 'signal';

/** Control over one launched agent: its cgroup when there is one, its process group otherwise. */
export interface SandboxHandle {
  /** The agent's cgroup leaf name (for nesting its children), or null without a cgroup. */
  readonly cgroupName: string | null;
  /** The agent's cgroup figures (METRICS_CGROUP), or null when it has no cgroup. */
  stats(): Promise<CgroupStats | null>;
  /** Stops every process of the agent: cgroup freezer, or SIGSTOP to its process group. */
  freeze(): Promise<FreezeMethod>;
  thaw(): Promise<FreezeMethod>;
  /** Signals every process of the agent (cgroup members, else the process group). */
  killAll(signal?: NodeJS.Signals): Promise<void>;
  /** True when the kernel's OOM killer killed a process of this agent. */
  oomKilled(): Promise<boolean>;
  /** Runs a command inside the agent's sandbox (EXEC): same cgroup, namespaces, uid, no_new_privs. */
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Kills what is left and removes the cgroup. Call once the agent has exited; idempotent. */
  destroy(): Promise<void>;
}

/** How to spawn one agent: pass `command`, `args`, `env`, `cwd`, `detached` to `child_process.spawn`. */
export interface PreparedLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Spawn in a new process group, so the signal fallback reaches the whole tree. */
  detached: boolean;
  /** What is really in force for this agent. */
  isolation: IsolationReport;
  /** Call right after spawn with the child's pid. The launcher already joined the cgroup. */
  attach(pid: number): Promise<void>;
  handle: SandboxHandle;
}

export interface SandboxCapabilities {
  backend: string;
  root: boolean;
  /** Path of the compiled launcher, or null (then no namespaces, no uid change). */
  launcher: string | null;
  namespaces: IsolationReport['namespaces'];
  cgroup: { version: 'v1' | 'v2'; parent: string; controllers: string[] } | null;
  /** Why something is missing, in words an operator can act on. */
  notes: string[];
}

export interface SandboxBackend {
  readonly name: string;
  probe(): SandboxCapabilities;
  prepare(spec: SandboxSpec): Promise<PreparedLaunch>;
  /** Removes cgroups (and kills their processes) left by kernels that are no longer running. */
  cleanupLeftovers(): Promise<number>;
}

