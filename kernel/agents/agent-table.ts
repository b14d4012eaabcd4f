import { randomBytes } from 'node:crypto';
import { basename, extname, resolve } from 'node:path';
import type { Socket } from 'node:net';
import type { AgentRecord, SpawnRequest } from '../../sdk/types.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { signalGroup } from '../process-group.js';
import { Agent, noIsolation } from './agent.js';
import { resolvePermissions } from '../permissions/index.js';
import { invocationFor } from './interpreter.js';
import { launchFor } from './environment.js';
import type { Launch, SandboxedLaunch } from './launch.js';
import { endReason, Restarts } from './restarts.js';
import { checkAgentName, checkScript, resolveScript } from './script-check.js';
import { escalate, NOTIFY_SIGNALS, signalAgent } from './signal-escalation.js';
import { boundPermissions, type SpawnParent } from './spawn-bounds.js';
import { setupFailure, spawnProcess } from './spawner.js';
import { SETUP_FAILED_EXIT_CODE } from '../sandbox/index.js';

export type { Launch, SandboxedLaunch } from './launch.js';

/** What the table needs from the rest of the kernel. */
export interface AgentTableDeps {
  socketPath: string;
  python: string | undefined;
  logLines: number;
  mailboxCapacity: number;
  /** An agent's mailbox_bytes / log_bytes quota (none when absent). */
  quotaOf?(agent: Agent, name: 'mailboxBytes' | 'logBytes'): number;
  exitedAgentsKept: number;
  killGraceMs: number;
  /** Directory of the stdlib Python SDK, put on PYTHONPATH for .py agents. */
  pythonSdkDir: string;
  /** Serves the agent's pre-authenticated channel (fd 3). */
  attachChannel(agent: Agent, socket: Socket): void;
  /** Wraps a launch in the sandbox backend (isolating or plain, by the request); undefined when the kernel runs without one. */
  sandbox(agent: Agent, launch: Launch): Promise<SandboxedLaunch> | undefined;
  /** What bounds a child of this agent (SPAWN by an agent): its rights, workspace and sandbox view. */
  spawnParent(agent: Agent): SpawnParent;
  /** The socket agents connect to beyond their channel (CLOVE_SOCKET); default `socketPath`. */
  agentSocket?(): string;
  /** Runs once the agent exists, before its process starts (joining a world happens here). */
  beforeStart(agent: Agent): void;
  onSpawned(agent: Agent): void;
  onExited(agent: Agent): void;
  publish(type: 'AGENT_RESTARTED' | 'AGENT_GAVE_UP' | 'AGENT_EXITED', agent: Agent, data: Record<string, unknown>): void;
}

/**
 * Live and recently ended agents, by id, name and token: the registry. Spawning (spawner.ts),
 * stopping (signal-escalation.ts) and restarting (restarts.ts) are done through it, so that what
 * it knows stays true.
 */
export class AgentTable {
  private readonly byId = new Map<number, Agent>();
  private readonly byToken = new Map<string, Agent>();
  private readonly ended: number[] = [];
  private readonly restarts: Restarts;
  private nextId = 1;
  private stopping = false;

  constructor(private readonly deps: AgentTableDeps) {
    this.restarts = new Restarts({
      start: (agent) => this.start(agent),
      rearm: (agent) => this.byToken.set(agent.token, agent),
      markEnded: (agent, state) => this.markEnded(agent, state),
      publish: (type, agent, data) => this.deps.publish(type, agent, data),
    });
  }

  /** Live agents, and those that gave up restarting (they ended for good, which an operator must see); all with `includeEnded`. */
  all(includeEnded = false): Agent[] {
    const agents = [...this.byId.values()];
    return includeEnded ? agents : agents.filter((a) => a.alive || a.record.end_reason?.startsWith('gave up') === true);
  }

  get liveCount(): number {
    let n = 0;
    for (const a of this.byId.values()) if (a.alive) n++;
    return n;
  }

  byTokenValue(token: string): Agent | undefined {
    return this.byToken.get(token);
  }

  find(ref: number | string): Agent | undefined {
    if (typeof ref === 'number') return this.byId.get(ref);
    let latest: Agent | undefined;
    for (const agent of this.byId.values()) {
      if (agent.name !== ref) continue;
      if (agent.alive) return agent;
      if (!latest || agent.id > latest.id) latest = agent;
    }
    return latest;
  }

  get(ref: number | string): Agent {
    const agent = this.find(ref);
    if (!agent) {
      throw new KernelError(ErrorCode.AGENT_NOT_FOUND, `no agent ${typeof ref === 'number' ? `with id ${ref}` : `named '${ref}'`}; LIST shows the agents this kernel knows`, { agent: ref });
    }
    return agent;
  }

  async spawn(request: SpawnRequest, parentId: number | null, grants: string[] = []): Promise<Agent> {
    const script = checkScript(request);
    const id = this.nextId++;
    const name = request.name ?? `${basename(script, extname(script))}-${id}`;
    checkAgentName(name);
    const clash = this.find(name);
    if (clash?.alive) throw new KernelError(ErrorCode.AGENT_NAME_TAKEN, `an agent named '${name}' is already running (#${clash.id}); pick another name or kill it first`);

    const invocation = invocationFor(script, request.args ?? [], this.deps.python);
    const token = randomBytes(24).toString('hex');
    const record: AgentRecord = {
      id,
      name,
      pid: null,
      state: 'starting',
      script,
      args: request.args ?? [],
      interpreter: invocation.interpreter,
      parent_id: parentId,
      world: request.world ?? null,
      started_at: Date.now(),
      ended_at: null,
      exit_code: null,
      signal: null,
      oom_killed: false,
      restarts: 0,
      isolation: noIsolation(),
      error: null,
      end_reason: null,
    };
    const fallback = request.sandboxed ? 'SANDBOXED' : 'STANDARD';
    const parent = parentId !== null ? this.byId.get(parentId) : undefined;
    // A child's permissions are a subset of its parent's (refused when asked beyond them).
    const permissions = parent
      ? boundPermissions(this.deps.spawnParent(parent), request.permissions, fallback, request.cwd ? resolve(request.cwd) : process.cwd())
      : resolvePermissions(request.permissions ?? fallback);
    const agent = new Agent(record, token, request, this.deps, permissions, grants);
    this.byId.set(id, agent);
    this.byToken.set(token, agent);
    try {
      this.deps.beforeStart(agent);
      await this.start(agent, invocation);
    } catch (error) {
      this.markEnded(agent, 'failed');
      throw error;
    }
    return agent;
  }

  /** Starts (or restarts) the agent's process from its recorded request, in its sandbox when the kernel has one. */
  async start(agent: Agent, invocation = invocationFor(agent.record.script, agent.record.args, this.deps.python)): Promise<void> {
    let launch = launchFor(agent, invocation, { pythonSdkDir: this.deps.pythonSdkDir, socket: this.deps.agentSocket?.() ?? this.deps.socketPath });
    let attach: ((pid: number) => Promise<void>) | null = null;
    let detached = true;
    const prepared = this.deps.sandbox(agent, launch);
    if (prepared) {
      const sandboxed = await prepared;
      launch = sandboxed;
      attach = sandboxed.attach;
      detached = sandboxed.detached;
      agent.isolate(sandboxed.handle, sandboxed.isolation);
    } else {
      agent.isolate(null, noIsolation(agent.request.sandboxed ? 'sandboxing was requested but this kernel runs without a sandbox backend: the agent is not isolated' : undefined));
    }
    await spawnProcess(agent, launch, { detached, attach }, {
      attachChannel: (a, socket) => this.deps.attachChannel(a, socket),
      onExit: (a, pid, code, signal) => void this.onExit(a, pid, code, signal),
    });
    this.deps.onSpawned(agent);
  }

  /**
   * Sends a signal to the agent's process group; SIGTERM escalates to SIGKILL after the grace period.
   * `reason` becomes its record's end_reason (default `killed by operator`).
   */
  async kill(agent: Agent, signal: NodeJS.Signals = 'SIGTERM', graceMs = this.deps.killGraceMs, reason = 'killed by operator'): Promise<boolean> {
    if (agent.record.state === 'restarting') {
      agent.requestStop(reason);
      agent.stopReason = reason;
      this.restarts.cancel(agent);
      this.markEnded(agent, 'killed');
      return true;
    }
    if (!agent.alive || !agent.process) return false;
    if (NOTIFY_SIGNALS.has(signal)) {
      // A notification, not a request to stop: deliver it and let the agent carry on.
      signalAgent(agent, signal);
      return false;
    }
    agent.requestStop(reason);
    if (agent.record.state === 'paused') await this.resume(agent).catch(() => {});
    await escalate(agent, signal, graceMs);
    return true;
  }

  async pause(agent: Agent): Promise<string> {
    this.requireAlive(agent, 'PAUSE');
    const via = agent.sandbox ? await agent.sandbox.freeze() : (signalAgent(agent, 'SIGSTOP'), 'SIGSTOP');
    agent.record.state = 'paused';
    return via;
  }

  async resume(agent: Agent): Promise<string> {
    this.requireAlive(agent, 'RESUME');
    const via = agent.sandbox ? await agent.sandbox.thaw() : (signalAgent(agent, 'SIGCONT'), 'SIGCONT');
    agent.record.state = 'running';
    return via;
  }

  /** Resolves with the ended record, or undefined on timeout. */
  waitExit(agent: Agent, timeoutMs: number, signal?: AbortSignal): Promise<AgentRecord | undefined> {
    return agent.waitExit(timeoutMs, signal);
  }

  /** Stops every agent: SIGTERM, then SIGKILL after the grace period. */
  async shutdown(graceMs = this.deps.killGraceMs): Promise<void> {
    this.stopping = true;
    for (const agent of this.all()) {
      if (agent.record.state === 'restarting') {
        this.restarts.cancel(agent);
        agent.stopReason = 'killed by kernel shutdown';
        this.markEnded(agent, 'killed');
      }
    }
    const live = this.all().filter((a) => a.process);
    await Promise.all(live.map((a) => this.kill(a, 'SIGTERM', graceMs, 'killed by kernel shutdown')));
  }

  /** The script's absolute path: relative ones start at the request's working directory. */
  resolveScript(request: SpawnRequest): string {
    return resolveScript(request);
  }

  private async onExit(agent: Agent, pid: number, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (agent.record.pid !== pid) return;
    // Reap whatever the agent left behind in its group.
    signalGroup(pid, 'SIGKILL', true);
    const failure = code === SETUP_FAILED_EXIT_CODE ? await setupFailure(agent) : null;
    if (failure) agent.record.error = failure;
    await agent.exitedWith(code, signal);
    const ended = failure ? 'failed' : agent.killRequested || (signal !== null && code === null) ? 'killed' : 'exited';
    agent.record.end_reason = endReason(agent, failure !== null);
    if (!this.restarts.afterExit(agent, ended, this.stopping)) this.markEnded(agent, ended);
  }

  private markEnded(agent: Agent, state: 'exited' | 'killed' | 'failed'): void {
    agent.ended(state);
    this.byToken.delete(agent.token);
    this.deps.onExited(agent);
    agent.exited.wakeAll(agent.snapshot());
    this.ended.push(agent.id);
    while (this.ended.length > this.deps.exitedAgentsKept) {
      const old = this.ended.shift()!;
      const stale = this.byId.get(old);
      if (stale && !stale.alive) this.byId.delete(old);
    }
  }

  private requireAlive(agent: Agent, op: string): void {
    if (!agent.alive || !agent.process) {
      throw new KernelError(ErrorCode.AGENT_NOT_RUNNING, `${op}: agent '${agent.name}' (#${agent.id}) is ${agent.record.state}, not running`);
    }
  }
}
