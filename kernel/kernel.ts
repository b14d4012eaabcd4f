import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ErrorCodeValue } from '../sdk/protocol/error-codes.js';
import { ErrorCode } from '../sdk/protocol/error-codes.js';
import { PROTOCOL_VERSION } from '../sdk/protocol/frame.js';
import { Opcode } from '../sdk/protocol/opcodes.js';
import { isSharedDirectory } from '../sdk/socket-path.js';
import type { KernelStatus, SpawnRequest } from '../sdk/types.js';
import type { Agent } from './agents/agent.js';
import { AgentTable } from './agents/agent-table.js';
import { prepareLaunch } from './agents/launch.js';
import type { SpawnParent } from './agents/spawn-bounds.js';
import type { Args } from './args.js';
import { auditEntry } from './audit-entry.js';
import { AuditLog } from './audit/index.js';
import { CallObservers, type AnsweredCall, type CallObserver } from './call-observer.js';
import type { Caller, CallSite } from './caller.js';
import type { Connection, ConnectionHost } from './connection.js';
import type { KernelError } from './errors.js';
import { EventBus } from './event-bus.js';
import { CallerFiles } from './fs/caller-files.js';
import type { FileSystemView } from './fs/file-system.js';
import { removeLeftoverDirs } from './leftovers.js';
import { createProvider, llmConcurrency } from './llm/config.js';
import { LlmScheduler } from './llm/scheduler.js';
import { MetricsSampler } from './metrics/sampler.js';
import { resolveKernelOptions, type KernelOptions, type ResolvedKernelOptions } from './options.js';
import { packageInfo } from './package-root.js';
import { permissionDenial } from './permission-denial.js';
import { agentQuota, RateLimiter, wireName, type AgentQuotaName, type QuotaName } from './quota/index.js';
import { ResourceMonitor } from './resource-monitor.js';
import { DEFAULT_HIDDEN, selectBackend, type Sandbox } from './sandbox/index.js';
import { stopOnSignals } from './signals.js';
import { claimSocketPath, claimStateDir } from './socket-path.js';
import { SocketServer, type SocketServerHost } from './socket-server.js';
import { StateStore } from './state-store.js';
import type { CallContext, Syscall, SyscallHost } from './syscall.js';
import { SYSCALLS } from './syscalls/index.js';
import { removeDeadKernelTrees } from './worlds/stale-trees.js';
import type { HostedWorld } from './worlds/hosted-world.js';
import { WorldHost } from './worlds/world-host.js';

export type { CallObserver } from './call-observer.js';

/**
 * The kernel: the syscall table and the state behind it (agents, mailboxes, store, event bus),
 * served on a Unix socket and on each agent's own channel.
 */
export class Kernel implements SyscallHost, ConnectionHost, SocketServerHost {
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
  private readonly sockets: SocketServer;
  private readonly files: CallerFiles;
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
    this.metrics = new MetricsSampler(this.options.stateDir, () => ({ agents: this.agents.liveCount, connections: this.sockets.size }));
    this.agents = new AgentTable({
      ...this.options,
      pythonSdkDir: join(packageInfo().root, 'sdk', 'python'),
      quotaOf: (agent, name) => this.quotaFor({ role: 'agent', agent }, name).limit,
      attachChannel: (agent, socket) => this.sockets.accept(socket, { role: 'agent', agent }),
      sandbox: (agent, launch) =>
        this.sandbox
          ? prepareLaunch(this.sandbox, agent, launch, {
              stateDir: this.options.stateDir,
              readablePaths: [packageInfo().root, this.agentSocketPath],
              parentCgroup: agent.record.parent_id !== null ? (this.agents.find(agent.record.parent_id)?.sandbox?.cgroupName ?? null) : null,
            })
          : undefined,
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
    this.files = new CallerFiles({
      worlds: this.worlds,
      stateDir: this.options.stateDir,
      denied: (site, what, rule, reason, code) => this.denied(site, what, rule, reason, code),
      agentOwner: () => this.sandbox?.agentOwner(),
    });
    this.register(SYSCALLS);
    this.sockets = new SocketServer(this);
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

  /** Connections open as `agent` (for the agent_connections quota). */
  connectionsOf(agent: Agent): number {
    return this.sockets.connectionsOf(agent);
  }

  /** A connection said HELLO: it no longer counts against the unauthenticated connections quota. */
  connectionIdentified(conn: Connection): void {
    this.sockets.identified(conn);
  }

  /** The quota of an agent (its SPAWN quotas, capped by its spawner's), or the kernel's for others. */
  quotaFor(caller: Caller, name: AgentQuotaName): { limit: number; scope: 'agent' | 'kernel' } {
    if (caller.role !== 'agent') return { limit: this.options.quotas[name], scope: 'kernel' };
    return { limit: agentQuota(this.options.quotas, caller.agent, name, (id) => this.agents.find(id)), scope: 'agent' };
  }

  /** Approximate bytes an agent makes the kernel hold: store values it wrote, its mailbox, its logs, its event queues. */
  kernelBytes(agent: Agent): number {
    let queued = 0;
    for (const subscription of this.sockets.subscriptionsOf(agent)) queued += subscription.bytes;
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
    this.sockets.forget(conn);
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
      connections: this.sockets.size,
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
    await this.sockets.listenAgents();
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
    await this.sockets.listen(socketPath);
    this.sweeper = setInterval(() => this.store.sweep(), 10_000).unref();
    this.resources.start();
    if (this.options.handleSignals) stopOnSignals(() => this.close(), this.options.log);
  }

  /** Stops accepting, stops every agent (SIGTERM, then SIGKILL after the grace period), removes the socket. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.options.log('shutting down: stopping agents');
      if (this.sweeper) clearInterval(this.sweeper);
      this.resources.stop();
      // net.Server calls back only once every connection has ended: stop accepting now, hang up
      // on clients after the agents are gone, then wait for the server.
      const socketsClosed = this.sockets.stopAccepting();
      await this.agents.shutdown();
      this.sockets.hangUp();
      await socketsClosed;
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
    return this.files.for(ctx, args);
  }

  /** A permission denial: published as SYSCALL_BLOCKED and returned as the error naming the rule. */
  denied(site: Pick<CallSite, 'caller' | 'op'>, what: string, rule: string, reason: string, code?: ErrorCodeValue): KernelError {
    const denial = permissionDenial(site, what, rule, reason, code);
    this.events.publish('SYSCALL_BLOCKED', denial.source, denial.event);
    return denial.error;
  }

  /** True for a connection that came in on the agents' socket: it may authenticate as an agent only. */
  agentsOnly(conn: Connection): boolean {
    return this.sockets.agentsOnly(conn);
  }

  /** Path of the agents' socket (CLOVE_SOCKET of every agent). */
  get agentSocketPath(): string {
    return this.sockets.agentSocketPath(this.options.socketPath);
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

/** A kernel running in this process: `K` is what of it the holder sees (clove/kernel: its public interface). */
export interface KernelHandleOf<K> {
  readonly kernel: K;
  readonly socketPath: string;
  /** The operator token; also in `tokenFile` (mode 0600) for other processes. */
  readonly token: string;
  readonly tokenFile: string;
  close(): Promise<void>;
}

export type KernelHandle = KernelHandleOf<Kernel>;

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
