import type { ChildProcess } from 'node:child_process';
import { isAlive } from '../../sdk/agent-state.js';
import type { AgentRecord, IsolationReport, SpawnRequest } from '../../sdk/types.js';
import { LogBuffer } from './log-buffer.js';
import { Mailbox } from '../mailbox.js';
import { Waiters } from '../waiters.js';
import type { RestartHistory } from './supervisor.js';
import type { SandboxHandle } from '../sandbox/index.js';
import type { PermissionSet } from '../permissions/index.js';

/** The isolation report of an agent that runs as a plain child process. */
export function noIsolation(note?: string): IsolationReport {
  return {
    sandboxed: false,
    backend: 'plain',
    namespaces: { pid: false, net: false, mnt: false, uts: false, ipc: false, user: false },
    cgroup: { version: null, path: null },
    limits: {
      memory: { requested: null, enforced: false, via: null },
      cpu: { requested: null, enforced: false, via: null },
      pids: { requested: null, enforced: false, via: null },
    },
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    no_new_privs: false,
    notes: note ? [note] : [],
  };
}

/** A live or ended agent: its public record plus what the kernel holds for it. */
export class Agent {
  process: ChildProcess | null = null;
  sandbox: SandboxHandle | null = null;
  permissions: PermissionSet;
  /** THINK usage, counted against the permission set's LLM quota. */
  readonly llmUsage = { calls: 0, tokens: 0 };
  /** Set when the kernel itself asked the agent to stop, so the exit is recorded as killed. */
  killRequested = false;
  /** Why the kernel stopped it (`timeout`, `killed by operator`, ...), for its record's end_reason. */
  stopReason: string | null = null;
  readonly exited = new Waiters<AgentRecord>();
  readonly logs: LogBuffer;
  readonly mailbox: Mailbox;
  readonly grants: Set<string>;
  readonly restartHistory: RestartHistory = { times: [], nextDelayMs: 0 };
  restartTimer: NodeJS.Timeout | null = null;
  /** When the current run's process started (restarts reset it). */
  runStartedAt = Date.now();

  constructor(
    readonly record: AgentRecord,
    readonly token: string,
    readonly request: SpawnRequest,
    limits: { logLines: number; mailboxCapacity: number; quotaOf?: (agent: Agent, name: 'mailboxBytes' | 'logBytes') => number },
    permissions: PermissionSet,
    grants: Iterable<string> = [],
  ) {
    this.permissions = permissions;
    const quota = (name: 'mailboxBytes' | 'logBytes') => () => limits.quotaOf?.(this, name) ?? Number.POSITIVE_INFINITY;
    this.logs = new LogBuffer(limits.logLines, quota('logBytes'));
    this.mailbox = new Mailbox(`agent ${record.name} (#${record.id})`, limits.mailboxCapacity, quota('mailboxBytes'));
    this.grants = new Set(grants);
  }

  get id(): number {
    return this.record.id;
  }

  get name(): string {
    return this.record.name;
  }

  get alive(): boolean {
    return isAlive(this.record.state);
  }

  /** Its sandbox (or none) is in place for the next run: the isolation report says what is in force. */
  isolate(sandbox: SandboxHandle | null, isolation: IsolationReport): void {
    this.sandbox = sandbox;
    this.record.isolation = isolation;
  }

  /** A run started: a fresh process, nothing of the last run's end left on the record. */
  started(child: ChildProcess): void {
    this.process = child;
    this.runStartedAt = Date.now();
    this.killRequested = false;
    this.stopReason = null;
    Object.assign(this.record, { end_reason: null, pid: child.pid ?? null, state: 'running', exit_code: null, signal: null, ended_at: null, oom_killed: false });
  }

  /** The kernel asks it to stop: its exit is recorded as killed, for `reason` (the first reason given wins). */
  requestStop(reason: string): void {
    this.killRequested = true;
    this.stopReason ??= reason;
  }

  /** Its process exited: the exit status, then (once known) whether the OOM killer did it; the sandbox goes. */
  async exitedWith(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.record.exit_code = code;
    this.record.signal = signal;
    if (this.sandbox) {
      this.record.oom_killed = await this.sandbox.oomKilled().catch(() => false);
      await this.sandbox.destroy().catch(() => {});
      this.sandbox = null;
    }
    this.process = null;
  }

  /** Ended for good: no more logs or messages; whoever waits for its end is told. */
  ended(state: 'exited' | 'killed' | 'failed'): void {
    this.record.state = state;
    this.record.ended_at = Date.now();
    this.process = null;
    this.logs.wake();
    this.mailbox.close();
  }

  /** Resolves with the ended record, or undefined on timeout. */
  async waitExit(timeoutMs: number, signal?: AbortSignal): Promise<AgentRecord | undefined> {
    if (!this.alive) return this.snapshot();
    return this.exited.wait(timeoutMs, signal);
  }

  /** A copy safe to send over the wire. */
  snapshot(): AgentRecord {
    return structuredClone(this.record);
  }
}
