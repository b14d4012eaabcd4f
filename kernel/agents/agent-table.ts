import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Socket } from 'node:net';
import type { AgentRecord, IsolationReport, SpawnRequest } from '../../sdk/types.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { Agent, noIsolation } from './agent.js';
import type { SandboxHandle } from '../sandbox/index.js';
import { resolvePermissions } from '../permissions/index.js';
import { invocationFor } from './interpreter.js';
import { agentEnvironment } from './environment.js';
import { boundPermissions, type SpawnParent } from './spawn-bounds.js';
import { decideRestart, resolveRestartPolicy } from './supervisor.js';
import { SETUP_FAILED_EXIT_CODE } from '../sandbox/index.js';
import { LLM_SECRET_ENV } from '../llm/config.js';

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

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface SandboxedLaunch extends Launch {
  isolation: IsolationReport;
  attach(pid: number): Promise<void>;
  handle: SandboxHandle;
  detached: boolean;
}

/** Signals that tell an agent something rather than stop it: never escalated to SIGKILL. */
const NOTIFY_SIGNALS = new Set<NodeJS.Signals>(['SIGUSR1', 'SIGUSR2', 'SIGHUP']);
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** Live and recently ended agents, by id, name and token; spawns, signals and reaps them. */
export class AgentTable {
  private readonly byId = new Map<number, Agent>();
  private readonly byToken = new Map<string, Agent>();
  private readonly ended: number[] = [];
  private nextId = 1;
  private stopping = false;

  constructor(private readonly deps: AgentTableDeps) {}

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
    const script = this.checkScript(request);
    const id = this.nextId++;
    const name = request.name ?? `${basename(script, extname(script))}-${id}`;
    if (!NAME_PATTERN.test(name)) {
      throw new KernelError(ErrorCode.BAD_REQUEST, `SPAWN: agent name '${name}' is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter`);
    }
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

  /** Starts (or restarts) the agent's process from its recorded request. */
  async start(agent: Agent, invocation = invocationFor(agent.record.script, agent.record.args, this.deps.python)): Promise<void> {
    const request = agent.request;
    let launch: Launch = {
      command: invocation.command,
      args: invocation.args,
      cwd: request.cwd ? resolve(request.cwd) : process.cwd(),
      // A clean environment: nothing of the kernel's own (API keys, credentials) unless named.
      env: agentEnvironment({
        kernel: process.env,
        explicit: withoutKernelSecrets(request.env),
        pythonSdkDir: this.deps.pythonSdkDir,
        clove: {
          CLOVE_SOCKET: this.deps.agentSocket?.() ?? this.deps.socketPath,
          CLOVE_TOKEN: agent.token,
          CLOVE_FD: '3',
          CLOVE_AGENT_ID: String(agent.id),
          CLOVE_AGENT_NAME: agent.name,
        },
      }),
    };
    let attach: ((pid: number) => Promise<void>) | null = null;
    let detached = true;
    const prepared = this.deps.sandbox(agent, launch);
    if (prepared) {
      const sandboxed = await prepared;
      launch = sandboxed;
      attach = sandboxed.attach;
      detached = sandboxed.detached;
      agent.sandbox = sandboxed.handle;
      agent.record.isolation = sandboxed.isolation;
    } else {
      agent.record.isolation = noIsolation(request.sandboxed ? 'sandboxing was requested but this kernel runs without a sandbox backend: the agent is not isolated' : undefined);
    }

    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      // Its own process group, so that signals reach everything the agent started.
      detached,
    });
    await new Promise<void>((resolveSpawn, reject) => {
      child.once('spawn', resolveSpawn);
      child.once('error', (error: NodeJS.ErrnoException) => {
        agent.record.error = error.message;
        void agent.sandbox?.destroy();
        agent.sandbox = null;
        reject(new KernelError(ErrorCode.AGENT_SPAWN_FAILED, `could not start ${launch.command} for agent '${agent.name}': ${error.code ?? error.message}`, { errno: error.code }));
      });
    });
    agent.process = child;
    agent.runStartedAt = Date.now();
    agent.killRequested = false;
    agent.stopReason = null;
    agent.record.end_reason = null;
    agent.record.pid = child.pid ?? null;
    agent.record.state = 'running';
    agent.record.exit_code = null;
    agent.record.signal = null;
    agent.record.ended_at = null;
    agent.record.oom_killed = false;
    child.stdout!.on('data', (chunk: Buffer) => agent.logs.write('stdout', chunk));
    child.stderr!.on('data', (chunk: Buffer) => agent.logs.write('stderr', chunk));
    child.once('exit', (code, signal) => void this.onExit(agent, child.pid!, code, signal));
    child.once('close', () => agent.logs.end());
    const channel = child.stdio[3] as Socket | null;
    if (channel) this.deps.attachChannel(agent, channel);
    if (attach && child.pid) await attach(child.pid);
    this.deps.onSpawned(agent);
  }

  /**
   * Sends a signal to the agent's process group; SIGTERM escalates to SIGKILL after the grace period.
   * `reason` becomes its record's end_reason (default `killed by operator`).
   */
  async kill(agent: Agent, signal: NodeJS.Signals = 'SIGTERM', graceMs = this.deps.killGraceMs, reason = 'killed by operator'): Promise<boolean> {
    if (agent.record.state === 'restarting') {
      agent.killRequested = true;
      agent.stopReason = reason;
      this.cancelRestart(agent);
      this.markEnded(agent, 'killed');
      return true;
    }
    if (!agent.alive || !agent.process) return false;
    if (NOTIFY_SIGNALS.has(signal)) {
      // A notification, not a request to stop: deliver it and let the agent carry on.
      this.signal(agent, signal);
      return false;
    }
    agent.killRequested = true;
    agent.stopReason ??= reason;
    if (agent.record.state === 'paused') await this.resume(agent).catch(() => {});
    this.signal(agent, signal);
    if (signal === 'SIGKILL') {
      await this.waitExit(agent, 2000);
      return true;
    }
    const exited = await this.waitExit(agent, graceMs);
    if (!exited) {
      this.signal(agent, 'SIGKILL');
      await this.waitExit(agent, 2000);
    }
    return true;
  }

  async pause(agent: Agent): Promise<string> {
    this.requireAlive(agent, 'PAUSE');
    const via = agent.sandbox ? await agent.sandbox.freeze() : (this.signal(agent, 'SIGSTOP'), 'SIGSTOP');
    agent.record.state = 'paused';
    return via;
  }

  async resume(agent: Agent): Promise<string> {
    this.requireAlive(agent, 'RESUME');
    const via = agent.sandbox ? await agent.sandbox.thaw() : (this.signal(agent, 'SIGCONT'), 'SIGCONT');
    agent.record.state = 'running';
    return via;
  }

  /** Resolves with the ended record, or undefined on timeout. */
  async waitExit(agent: Agent, timeoutMs: number, signal?: AbortSignal): Promise<AgentRecord | undefined> {
    if (!agent.alive) return agent.snapshot();
    return agent.exited.wait(timeoutMs, signal);
  }

  /** Stops every agent: SIGTERM, then SIGKILL after the grace period. */
  async shutdown(graceMs = this.deps.killGraceMs): Promise<void> {
    this.stopping = true;
    for (const agent of this.all()) {
      if (agent.record.state === 'restarting') {
        this.cancelRestart(agent);
        agent.stopReason = 'killed by kernel shutdown';
        this.markEnded(agent, 'killed');
      }
    }
    const live = this.all().filter((a) => a.process);
    await Promise.all(live.map((a) => this.kill(a, 'SIGTERM', graceMs, 'killed by kernel shutdown')));
  }

  private signal(agent: Agent, signal: NodeJS.Signals): void {
    const pid = agent.process?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone: the exit handler records it.
      }
    }
    // The cgroup reaches processes that left the group (setsid, daemonised children).
    if ((signal === 'SIGKILL' || signal === 'SIGTERM') && agent.sandbox) void agent.sandbox.killAll(signal).catch(() => {});
  }

  private async onExit(agent: Agent, pid: number, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (agent.record.pid !== pid) return;
    // Reap whatever the agent left behind in its group.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is empty.
    }
    agent.record.exit_code = code;
    agent.record.signal = signal;
    const setupFailure = code === SETUP_FAILED_EXIT_CODE ? await this.setupFailure(agent) : null;
    if (setupFailure) agent.record.error = setupFailure;
    if (agent.sandbox) {
      agent.record.oom_killed = await agent.sandbox.oomKilled().catch(() => false);
      await agent.sandbox.destroy().catch(() => {});
      agent.sandbox = null;
    }
    agent.process = null;
    const decision = decideRestart(resolveRestartPolicy(agent.request.restart), agent.restartHistory, {
      exitCode: code,
      requested: agent.killRequested,
      shuttingDown: this.stopping,
      ranMs: Date.now() - agent.runStartedAt,
      now: Date.now(),
    });
    const ended = setupFailure ? 'failed' : agent.killRequested || (signal !== null && code === null) ? 'killed' : 'exited';
    agent.record.end_reason = endReason(agent, setupFailure !== null, code, signal);
    if (decision.action === 'restart') {
      agent.record.state = 'restarting';
      agent.logs.end();
      this.deps.publish('AGENT_EXITED', agent, { id: agent.id, name: agent.name, state: ended, exit_code: code, signal, oom_killed: agent.record.oom_killed, reason: agent.record.end_reason, restarting_in_ms: decision.delayMs });
      agent.restartTimer = setTimeout(() => void this.restart(agent), decision.delayMs);
      return;
    }
    if (decision.action === 'give-up') {
      agent.record.end_reason = `gave up after ${decision.restarts} restarts within ${decision.windowMs} ms (last: ${agent.record.end_reason})`;
      this.deps.publish('AGENT_GAVE_UP', agent, {
        id: agent.id,
        name: agent.name,
        restarts: agent.record.restarts,
        reason: `${decision.restarts} restarts within ${decision.windowMs} ms`,
      });
    }
    this.markEnded(agent, ended);
  }

  private async restart(agent: Agent): Promise<void> {
    agent.restartTimer = null;
    if (agent.record.state !== 'restarting') return;
    this.byToken.set(agent.token, agent);
    try {
      agent.record.restarts++;
      await this.start(agent);
      this.deps.publish('AGENT_RESTARTED', agent, { id: agent.id, name: agent.name, pid: agent.record.pid, restarts: agent.record.restarts });
    } catch (error) {
      agent.record.error = (error as Error).message;
      this.markEnded(agent, 'failed');
    }
  }

  /** The launcher's own error line when the sandbox could not be set up (exit code 125). */
  private async setupFailure(agent: Agent): Promise<string | null> {
    const child = agent.process;
    if (child && child.exitCode !== null && child.stderr && !child.stderr.readableEnded) {
      await Promise.race([new Promise((r) => child.once('close', r)), new Promise((r) => setTimeout(r, 200))]);
    }
    const line = agent.logs.tail(20).reverse().find((l) => l.stream === 'stderr' && l.text.startsWith('clove-sandbox:'));
    return line ? `sandbox setup failed: ${line.text.replace(/^clove-sandbox:\s*/, '')}` : null;
  }

  private cancelRestart(agent: Agent): void {
    if (agent.restartTimer) clearTimeout(agent.restartTimer);
    agent.restartTimer = null;
  }

  private markEnded(agent: Agent, state: 'exited' | 'killed' | 'failed'): void {
    agent.record.state = state;
    agent.record.ended_at = Date.now();
    agent.process = null;
    this.byToken.delete(agent.token);
    agent.logs.wake();
    agent.mailbox.close();
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

  /** The script's absolute path: relative ones start at the request's working directory. */
  resolveScript(request: SpawnRequest): string {
    return resolve(request.cwd ?? process.cwd(), request.script);
  }

  private checkScript(request: SpawnRequest): string {
    const script = this.resolveScript(request);
    let isFile = false;
    try {
      isFile = statSync(script).isFile();
    } catch {
      throw new KernelError(ErrorCode.AGENT_SPAWN_FAILED, `SPAWN: script not found: ${script}`, { script });
    }
    if (!isFile) throw new KernelError(ErrorCode.AGENT_SPAWN_FAILED, `SPAWN: ${script} is not a regular file`, { script });
    const ext = extname(script);
    if (!['.py', '.js', '.mjs', '.cjs', '.ts', '.mts'].includes(ext)) {
      try {
        accessSync(script, constants.X_OK);
      } catch {
        throw new KernelError(
          ErrorCode.AGENT_SPAWN_FAILED,
          `SPAWN: ${script} is not executable and has no known extension (.py, .js, .mjs, .ts); chmod +x it or rename it`,
          { script },
        );
      }
    }
    return script;
  }
}

/**
 * The model keys THINK uses stay in the kernel: an explicit variable that would hand an agent the
 * kernel's own key (`--pass-env OPENAI_API_KEY` on the kernel's machine) is dropped; an agent's own,
 * different key may still be given.
 */
function withoutKernelSecrets(env: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!env) return env;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if ((LLM_SECRET_ENV as readonly string[]).includes(key) && process.env[key] === value) continue;
    out[key] = value;
  }
  return out;
}

/** The end_reason of a process that ended (see AgentRecord.end_reason). */
function endReason(agent: Agent, setupFailed: boolean, code: number | null, signal: NodeJS.Signals | null): string {
  if (setupFailed) return 'sandbox setup failed';
  if (agent.record.oom_killed) return 'oom';
  if (agent.killRequested && agent.stopReason) return agent.stopReason;
  if (signal !== null) return `signal ${signal}`;
  return `exit ${code ?? 0}`;
}
