import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isSharedDirectory } from '../sdk/socket-path.js';
import { createServer, type Server, type Socket } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { ErrorCode, type ErrorCodeValue } from '../sdk/protocol/error-codes.js';
import { encodeFrame, FrameKind, PROTOCOL_VERSION } from '../sdk/protocol/frame.js';
import { Codec, encodePayload } from '../sdk/protocol/codec.js';
import { Opcode, type OpcodeName } from '../sdk/protocol/opcodes.js';
import type { KernelStatus, SpawnRequest } from '../sdk/types.js';
import type { Agent } from './agents/agent.js';
import { AgentTable, type Launch, type SandboxedLaunch } from './agents/agent-table.js';
import type { SpawnParent } from './agents/spawn-bounds.js';
import type { Args } from './args.js';
import { auditEntry } from './audit-entry.js';
import { AuditLog } from './audit/index.js';
import { CallObservers, type AnsweredCall, type CallObserver } from './call-observer.js';
import { Connection, type ConnectionHost } from './connection.js';
import { KernelError } from './errors.js';
import { EventBus } from './event-bus.js';
import type { FileSystemView } from './fs/file-system.js';
import { kernelCredentials } from './fs/credentials.js';
import { HostFileSystem } from './fs/host-fs.js';
import type { FsView } from './fs/view-walk.js';
import { WorldFileSystem } from './fs/world-fs-view.js';
import { createProvider, llmConcurrency } from './llm/config.js';
import { LlmScheduler } from './llm/scheduler.js';
import { MetricsSampler } from './metrics/sampler.js';
import { resolveKernelOptions, type KernelOptions, type ResolvedKernelOptions } from './options.js';
import { packageInfo } from './package-root.js';
import { agentQuota, quotaExceeded, RateLimiter, wireName, type AgentQuotaName, type QuotaName } from './quota/index.js';
import { ResourceMonitor } from './resource-monitor.js';
import { DEFAULT_HIDDEN, resolveInterpreter, selectBackend, type Sandbox } from './sandbox/index.js';
import { AgentSocket } from './agent-socket.js';
import { removeLeftoverDirs } from './leftovers.js';
import { claimSocketPath, claimStateDir } from './socket-path.js';
import { StateStore } from './state-store.js';
import { callerLabel, type CallSite, type Caller } from './caller.js';
import type { CallContext, Syscall, SyscallHost } from './syscall.js';
import { SYSCALLS } from './syscalls/index.js';
import { removeDeadKernelTrees } from './worlds/stale-trees.js';
import { WorldHost } from './worlds/world-host.js';
import type { HostedWorld } from './worlds/hosted-world.js';

export type { CallObserver } from './call-observer.js';

/**
 * The kernel: the syscall table and the state behind it (agents, mailboxes, store, event bus),
 * served on a Unix socket and on each agent's own channel.
 */
export class Kernel implements SyscallHost, ConnectionHost {
  readonly version = packageInfo().version;
  /** This kernel run's id, stamped on its audit records (`clove audit --run`): start time and pid. */
  readonly runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${process.pid}`;
  readonly options: ResolvedKernelOptions;
  readonly agents: AgentTable;
  readonly store = new StateStore();
  readonly events: EventBus;
  readonly metrics: MetricsSampler;
  readonly llm: LlmScheduler;
  readonly worlds: WorldHost;
  readonly resources: ResourceMonitor;
  readonly operatorToken = randomBytes(32).toString('hex');
  /** EMIT rate per caller (the emit_rate quota). */
  readonly emitLimiter = new RateLimiter();
  readonly startedAt = Date.now();
  private readonly table = new Map<number, Syscall>();
  private readonly connections = new Set<Connection>();
  /** Connections that have not said HELLO yet (bounded by the unauthenticated_connections quota). */
  private readonly anonymous = new Set<Connection>();
  private readonly server: Server;
  private nextConnectionId = 1;
  /** The socket agents reach the kernel on beyond their channel (agent tokens only). */
  private agentSocket: AgentSocket | null = null;
  private readonly agentOnly = new WeakSet<Connection>();
  private releaseStateDir: () => void = () => undefined;
  /** Chosen in listen(): probing the machine is asynchronous. */
  sandbox: Sandbox | null = null;
  audit: AuditLog | null = null;
  private closing: Promise<void> | null = null;
  private readonly stopped = deferred();
  private sweeper: NodeJS.Timeout | null = null;

  private readonly observers: CallObservers;

  constructor(options: KernelOptions = {}) {
    this.options = resolveKernelOptions(options);
    this.observers = new CallObservers(this.options.log);
    this.events = new EventBus(this.options.eventQueueSize, this.options.quotas.eventQueueBytes, (error, event) =>
      this.options.log(`delivering event #${event.seq} (${event.type}) to a subscriber failed: ${(error as Error)?.message ?? String(error)}`),
    (source) => this.agents.find(source)?.record.world ?? null,
    );
    this.llm = new LlmScheduler(createProvider(this.options.llm), llmConcurrency(this.options.llm));
    this.metrics = new MetricsSampler(this.options.stateDir, () => ({ agents: this.agents.liveCount, connections: this.connections.size }));
    this.agents = new AgentTable({
      ...this.options,
      pythonSdkDir: join(packageInfo().root, 'sdk', 'python'),
      quotaOf: (agent, name) => this.quotaFor({ role: 'agent', agent }, name).limit,
      attachChannel: (agent, socket) => this.accept(socket, { role: 'agent', agent }),
      sandbox: (agent, launch) => (this.sandbox ? this.prepareLaunch(this.sandbox, agent, launch) : undefined),
      spawnParent: (agent) => this.spawnParent(agent),
      agentSocket: () => this.agentSocketPath,
      beforeStart: (agent) => this.worlds.agentCreated(agent),
      onSpawned: (agent) => this.events.publish('AGENT_SPAWNED', agent.id, { id: agent.id, name: agent.name, pid: agent.record.pid, parent_id: agent.record.parent_id }),
      onExited: (agent) => this.onAgentExited(agent),
      publish: (type, agent, data) => this.events.publish(type, agent.id, data),
    });
    this.worlds = new WorldHost({
      agents: this.agents,
      publish: (world, entry) => this.events.publish('WORLD_EVENT', null, { world, ...entry }),
      sandboxOwner: (sandboxed) => (this.sandbox ? this.sandbox.agentOwner(sandboxed) : undefined),
      log: (line) => this.options.log(line),
      limits: {
        files: this.options.quotas.worldFiles,
        bytes: this.options.quotas.worldBytes,
        largestFile: this.options.quotas.worldFileBytes,
        timelineEntries: this.options.quotas.timelineEntries,
        requestLogEntries: this.options.quotas.requestLogEntries,
      },
      usage: (hosted, skipped) => this.worldUsage(hosted, skipped),
    });
    this.resources = new ResourceMonitor(this.agents, (warning) => this.events.publish('RESOURCE_WARNING', warning.agent, { ...warning }));
    this.register(SYSCALLS);
    this.server = createServer((socket) => this.accept(socket, { role: 'anonymous' }));
  }

  get tokenFile(): string {
    return join(this.options.stateDir, 'operator.token');
  }

  /** Adds or replaces syscalls; layers above the spine (sandbox, worlds) register theirs this way. */
  register(list: readonly Syscall[]): void {
    for (const syscall of list) this.table.set(Opcode[syscall.op], syscall);
  }

  observe(observer: CallObserver): void {
    this.observers.add(observer);
  }

  /** What syscall handlers see of this kernel. */
  get syscallHost(): SyscallHost {
    return this;
  }

  syscall(opcode: number): Syscall | undefined {
    return this.table.get(opcode);
  }

  identify(token: string): Caller | undefined {
    if (token.length === this.operatorToken.length && token === this.operatorToken) return { role: 'operator' };
    const agent = this.agents.byTokenValue(token);
    return agent ? { role: 'agent', agent } : undefined;
  }

  /** What bounds the children of `agent`: its rights, working directory and what its sandbox hides. */
  spawnParent(agent: Agent): SpawnParent {
    return {
      id: agent.id,
      name: agent.name,
      request: agent.request,
      permissions: agent.permissions,
      grants: agent.grants,
      world: agent.record.world,
      workspace: agent.request.cwd ? resolve(agent.request.cwd) : process.cwd(),
      script: agent.record.script,
      hidden: [...((this.options.sandbox && this.options.sandbox.hiddenPaths) || DEFAULT_HIDDEN), resolve(this.options.stateDir)],
    };
  }

  spawnAgent(request: SpawnRequest, parent: Agent | null): Promise<Agent> {
    const parentId = parent?.id ?? null;
    return request.world ? this.worlds.spawn({ ...request, world: request.world }, parentId) : this.agents.spawn(request, parentId, request.grants);
  }

  /** Tells every observer; an observer that throws is logged and skipped, the call is answered anyway. */
  recordCall(call: AnsweredCall): void {
    this.observers.record(call);
  }

  /** A connection said HELLO: it no longer counts against the unauthenticated connections quota. */
  connectionIdentified(conn: Connection): void {
    this.anonymous.delete(conn);
  }

  /** The quota of an agent (its SPAWN quotas, capped by its spawner's), or the kernel's for others. */
  quotaFor(caller: Caller, name: AgentQuotaName): { limit: number; scope: 'agent' | 'kernel' } {
    if (caller.role !== 'agent') return { limit: this.options.quotas[name], scope: 'kernel' };
    return { limit: agentQuota(this.options.quotas, caller.agent, name, (id) => this.agents.find(id)), scope: 'agent' };
  }

  /** Approximate bytes an agent makes the kernel hold: store values it wrote, its mailbox, its logs, its event queues. */
  kernelBytes(agent: Agent): number {
    let queued = 0;
    for (const conn of this.connections) {
      if (conn.subscription && conn.caller.role === 'agent' && conn.caller.agent === agent) queued += conn.subscription.bytes;
    }
    return this.store.bytesOwnedBy(agent.id) + agent.mailbox.bytes + agent.logs.bytes + queued;
  }

  /**
   * A world's filesystem use against its limits (RESOURCE_WARNING at 90%); files a sync refused
   * are logged, audited and announced, since no syscall answers for them.
   */
  worldUsage(hosted: HostedWorld, skipped: Array<{ path: string; reason: string }> = []): void {
    const { files, bytes } = hosted.world.fs.usage;
    const limits = hosted.world.limits;
    this.resources.quota('world_bytes', hosted.name, { world: hosted.name }, bytes, limits.bytes);
    this.resources.quota('world_files', hosted.name, { world: hosted.name }, files, limits.files);
    for (const item of skipped) {
      this.options.log(`world ${hosted.name}: ${item.path} ${item.reason}`);
      this.audit?.record({
        caller: { agent_id: null, agent_name: null, role: 'operator' },
        opcode: 'WORLD_SYNC',
        args: { world: hosted.name, path: item.path },
        decision: 'denied',
        rule: 'quotas.world_bytes',
        duration_ms: 0,
        error: ErrorCode.QUOTA_EXCEEDED,
      });
      this.events.publish('RESOURCE_WARNING', null, { resource: 'world_sync', quota: true, agent: null, name: null, world: hosted.name, path: item.path, reason: item.reason });
    }
  }

  connectionClosed(conn: Connection): void {
    this.anonymous.delete(conn);
    this.connections.delete(conn);
    if (conn.subscription) this.events.unsubscribe(conn.subscription);
    this.store.dropNamespace(StateStore.namespace('session', conn.id));
  }

  status(): KernelStatus {
    const all = this.agents.all(true);
    return {
      version: this.version,
      protocol: PROTOCOL_VERSION,
      pid: process.pid,
      run_id: this.runId,
      socket: this.options.socketPath,
      uptime_s: Math.round((Date.now() - this.startedAt) / 100) / 10,
      agents: { total: all.length, running: all.filter((a) => a.alive).length },
      connections: this.connections.size,
      llm: { provider: this.llm.provider.name, queued: this.llm.queued, ...this.llm.stats },
      sandbox: this.sandbox ? { ...this.sandbox.probe() } : { backend: 'none', notes: ['the kernel runs without a sandbox backend'] },
      quotas: Object.fromEntries(Object.entries(this.options.quotas).map(([k, v]) => [wireName(k as QuotaName), v])),
    };
  }

  async listen(): Promise<void> {
    const { socketPath, stateDir } = this.options;
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    checkStateDir(stateDir);
    // The socket first: a live kernel or a foreign file there is the more precise refusal.
    const claimed = await claimSocketPath(socketPath);
    this.releaseStateDir = claimStateDir(stateDir, socketPath);
    // World trees and agent socket directories of kernels that died (kill -9).
    const leftovers = removeLeftoverDirs();
    if (leftovers.length > 0) this.options.log(`removed ${leftovers.length} director${leftovers.length === 1 ? 'y' : 'ies'} left by a kernel that died: ${leftovers.join(', ')}`);
    this.agentSocket = new AgentSocket((socket) => this.accept(socket, { role: 'anonymous' }, true));
    await this.agentSocket.listen();
    if (this.options.sandbox !== false) {
      this.sandbox = await selectBackend({ stateDir, ...this.options.sandbox });
      const removed = await this.sandbox.cleanupLeftovers();
      if (removed > 0) this.options.log(`removed ${removed} cgroup(s) left by a kernel that died`);
      const probe = this.sandbox.probe();
      this.options.log(`sandbox: ${probe.backend}, cgroup ${probe.cgroup?.version ?? 'none'}${probe.notes.length ? `; ${probe.notes.join('; ')}` : ''}`);
    }
    const staleTrees = await removeDeadKernelTrees();
    if (staleTrees > 0) this.options.log(`removed ${staleTrees} world tree(s) left by a kernel that died`);
    if (this.options.auditLog) {
      const audit = new AuditLog(this.options.auditLog, { runId: this.runId });
      this.audit = audit;
      this.observe((call) => audit.record(auditEntry(call)));
    }
    if (claimed === 'replaced-stale') this.options.log(`replaced a stale socket left by a dead kernel at ${socketPath}`);
    writeFileSync(this.tokenFile, this.operatorToken, { mode: 0o600 });
    chmodSync(this.tokenFile, 0o600);
    // Created with 0600 from the start: no moment where another user could connect.
    const umask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(socketPath, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(umask);
    }
    chmodSync(socketPath, 0o600);
    this.sweeper = setInterval(() => this.store.sweep(), 10_000).unref();
    this.resources.start();
    if (this.options.handleSignals) {
      const stop = (signal: string) => {
        this.options.log(`received ${signal}: shutting down`);
        void this.close();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    }
  }

  /** Stops accepting, stops every agent (SIGTERM, then SIGKILL after the grace period), removes the socket. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.options.log('shutting down: stopping agents');
      if (this.sweeper) clearInterval(this.sweeper);
      this.resources.stop();
      // net.Server calls back only once every connection has ended: stop accepting now, hang up
      // on clients after the agents are gone, then wait for the server.
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const agentSocketClosed = this.agentSocket?.close();
      await this.agents.shutdown();
      for (const conn of [...this.connections]) conn.close();
      await serverClosed;
      await agentSocketClosed;
      await this.worlds.closeAll();
      rmSync(this.tokenFile, { force: true });
      await this.audit?.close();
      this.releaseStateDir();
      this.options.log('kernel stopped');
      this.stopped.resolve();
    })();
    return this.closing;
  }

  /** Settles once the kernel has fully stopped, whoever asked it to (SHUTDOWN, a signal, close()). */
  get closed(): Promise<void> {
    return this.stopped.promise;
  }

  get isClosing(): boolean {
    return this.closing !== null;
  }

  /** The filesystem a caller's file syscalls reach: its world's tree, or the host under its permissions. */
  fileSystemFor(ctx: CallContext, args: Args): FileSystemView {
    const hosted = this.worlds.worldOf(ctx, args);
    if (hosted) return new WorldFileSystem(hosted);
    const caller = ctx.caller;
    if (caller.role === 'agent') {
      const agent = caller.agent;
      return new HostFileSystem(
        agent.request.cwd ?? process.cwd(),
        agent.permissions,
        this.options.stateDir,
        (op, path, rule, reason, code) => this.denied(ctx, `${op} ${path}`, rule, reason, code),
        () => this.fsView(agent),
      );
    }
    return new HostFileSystem(process.cwd(), null, this.options.stateDir, () => {
      throw new Error('operators are not permission-checked');
    });
  }

  /**
   * Where and as whom an agent's file syscalls act: in its own mount namespace when it has one
   * (through `/proc/<pid>/root`, so `/tmp` is its private /tmp), with its uid and gid.
   */
  private fsView(agent: Agent): FsView {
    const isolation = agent.record.isolation;
    const pid = agent.record.pid;
    let root = '/';
    if (isolation.namespaces.mnt) {
      if (!agent.alive || !pid) throw new KernelError(ErrorCode.AGENT_NOT_RUNNING, `agent '${agent.name}' is not running; its filesystem view exists only while it runs`);
      root = `/proc/${pid}/root`;
    }
    const own = kernelCredentials();
    const uid = isolation.uid ?? own.uid;
    if (uid === own.uid) return { root, creds: own };
    const owner = this.sandbox?.agentOwner();
    // Sandboxed agents drop every supplementary group (setgroups(0)).
    return { root, creds: { uid, gid: owner && owner.uid === uid ? owner.gid : uid, groups: [] } };
  }

  /** A permission denial: published as SYSCALL_BLOCKED and returned as the error naming the rule. */
  denied(ctx: Pick<CallSite, 'caller' | 'op'>, what: string, rule: string, reason: string, code: ErrorCodeValue = ErrorCode.PERMISSION_DENIED): KernelError {
    const source = ctx.caller.role === 'agent' ? ctx.caller.agent.id : null;
    this.events.publish('SYSCALL_BLOCKED', source, { op: ctx.op, what, rule, reason, caller: callerLabel(ctx.caller) });
    return new KernelError(code, `${ctx.op} denied for ${callerLabel(ctx.caller)}: ${what}: ${reason} (rule: ${rule})`, { rule, reason });
  }

  /** Resolves what the agent's uid can run and reach, then asks the sandbox backend for the launch. */
  private async prepareLaunch(sandbox: Sandbox, agent: Agent, launch: Launch): Promise<SandboxedLaunch> {
    const request = agent.request;
    const script = agent.record.script;
    let command = launch.command;
    const stateDir = resolve(this.options.stateDir);
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
      if (extname(script) === '.py') command = reachable;
      agent.record.interpreter = command;
    }
    const prepared = await sandbox.prepare({
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
      // The SDKs and the TypeScript loader live in the package.
      readablePaths: [packageInfo().root, this.agentSocketPath],
      writablePaths: [],
      within: agent.record.parent_id !== null ? (this.agents.find(agent.record.parent_id)?.sandbox?.cgroupName ?? null) : null,
    });
    return prepared;
  }

  private accept(socket: Socket, caller: Caller, agentsOnly = false): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (caller.role === 'anonymous' && this.anonymous.size >= this.options.quotas.unauthenticatedConnections) {
      // A connection-level refusal: one error frame (JSON, request id 0), then hang up.
      const limit = this.options.quotas.unauthenticatedConnections;
      const error = quotaExceeded('connect', 'unauthenticatedConnections', limit, limit + 1, 'connections that have not sent HELLO');
      socket.on('error', () => undefined);
      socket.end(encodeFrame({ kind: FrameKind.ERROR, opcode: 0, codec: Codec.JSON, requestId: 0 }, encodePayload(Codec.JSON, { code: error.code, message: error.message, details: error.details })));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    const conn = new Connection(this, socket, this.nextConnectionId++, caller);
    if (agentsOnly) this.agentOnly.add(conn);
    this.connections.add(conn);
    if (caller.role === 'anonymous') this.anonymous.add(conn);
  }

  /** True for a connection that came in on the agents' socket: it may authenticate as an agent only. */
  agentsOnly(conn: Connection): boolean {
    return this.agentOnly.has(conn);
  }

  /** Path of the agents' socket (CLOVE_SOCKET of every agent). */
  get agentSocketPath(): string {
    return this.agentSocket?.path ?? this.options.socketPath;
  }

  private onAgentExited(agent: Agent): void {
    this.worlds.agentExited(agent);
    this.resources.forget(agent);
    this.metrics.forget(agent.record.pid);
    this.store.dropNamespace(StateStore.namespace('agent', agent.id));
    const r = agent.record;
    this.events.publish('AGENT_EXITED', agent.id, { id: r.id, name: r.name, state: r.state, exit_code: r.exit_code, signal: r.signal, oom_killed: r.oom_killed, reason: r.end_reason });
  }
}

/** The state directory holds the operator token: never a link, never another user's, never open to others. */
function checkStateDir(stateDir: string): void {
  const stat = lstatSync(stateDir);
  const uid = process.getuid?.();
  const problem = stat.isSymbolicLink()
    ? 'is a symbolic link'
    : !stat.isDirectory()
      ? 'is not a directory'
      : uid !== undefined && stat.uid !== uid
        ? `belongs to uid ${stat.uid}, not to this kernel's uid ${uid}`
        : isSharedDirectory(stateDir)
          ? 'is writable by other users'
          : null;
  if (problem) {
    throw new Error(`the state directory ${stateDir} ${problem}; the operator token lives there. Put the socket in a private directory (e.g. /tmp/clove-${uid ?? 'me'}/kernel.sock) or remove ${stateDir}`);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface KernelHandle {
  readonly kernel: Kernel;
  readonly socketPath: string;
  /** The operator token; also in `tokenFile` (mode 0600) for other processes. */
  readonly token: string;
  readonly tokenFile: string;
  close(): Promise<void>;
}

/**
 * Starts a kernel in this process, listening on its socket. The daemon (`clove kernel start`) is
 * this plus signal handling.
 *
 * @example
 * const kernel = await startKernel({ socketPath: '/tmp/clove-test/kernel.sock' });
 * const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
 * await client.noop({ hello: 'world' });
 * await kernel.close();
 */
export async function startKernel(options: KernelOptions = {}): Promise<KernelHandle> {
  const kernel = new Kernel(options);
  await kernel.listen();
  return {
    kernel,
    socketPath: kernel.options.socketPath,
    token: kernel.operatorToken,
    tokenFile: kernel.tokenFile,
    close: () => kernel.close(),
  };
}
