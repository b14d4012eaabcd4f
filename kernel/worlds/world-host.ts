import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { SpawnLimits, SpawnRequest } from '../../sdk/types.js';
import type { TimelineEntry, World, WorldLimits } from '../../worlds/index.js';
import { refersTo } from '../../sdk/agent-ref.js';
import { parseDuration } from '../../worlds/duration.js';
import { hostMatches } from '../../worlds/network/host.js';
import type { Agent } from '../agents/agent.js';
import type { AgentTable } from '../agents/agent-table.js';
import type { Args } from '../args.js';
import { callerId, type CallSite } from '../caller.js';
import { KernelError } from '../errors.js';
import { AddressBlockedError } from '../net/address-policy.js';
import { encodeBody, namedExplicitly, type HttpCall, type HttpResult } from '../net/http-call.js';
import { worldPassthrough } from '../net/world-passthrough.js';
import { HostedWorld } from './hosted-world.js';

/** What the world host needs from the kernel. */
export interface WorldHostDeps {
  agents: AgentTable;
  /** Timeline entries go on the kernel's event bus as WORLD_EVENT. */
  publish(world: string, entry: TimelineEntry): void;
  /** The uid/gid sandboxed agents run as, when the kernel sandboxes them. */
  sandboxOwner(sandboxed: boolean): { uid: number; gid: number } | undefined;
  log(line: string): void;
  /** Ceilings on what each world holds (the kernel's quotas). */
  limits: Partial<WorldLimits>;
  /** A world's use of its limits after a change (RESOURCE_WARNING at 90%), and files a sync refused. */
  usage?(hosted: HostedWorld, skipped: Array<{ path: string; reason: string }>): void;
}

export interface CreateWorldRequest {
  source: string;
  file?: string;
  baseDir?: string;
  name?: string;
  seed?: number | string;
}

type Engine = typeof import('../../worlds/index.js');

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const FS_EVENTS = new Set(['fs.corrupt', 'fs.write']);

/**
 * The kernel's worlds by name, and how agents live in them: spawning into a world, which world a
 * call reaches, blocking on a discrete clock, world HTTP, and the agent.kill / agent.pause events.
 * The world engine (msw, memfs, ajv) loads on the first world, so a kernel that never hosts one
 * does not carry it.
 */
export class WorldHost {
  private readonly worlds = new Map<string, HostedWorld>();
  /** Teardowns of retired worlds still under way. */
  private readonly teardowns = new Set<Promise<void>>();
  private readonly deadlines = new Map<number, { left(): number; cancel(): void }>();
  /** Per member: aborted when it leaves, cancelling its sleeps and requests on the world clock. */
  private readonly waits = new Map<number, AbortController>();
  private engine: Promise<Engine> | null = null;

  constructor(private readonly deps: WorldHostDeps) {}

  // --- the registry

  async create(request: CreateWorldRequest): Promise<HostedWorld> {
    const { parseWorldSource, World } = await this.load();
    const loaded = parseWorldSource(request.source, {
      ...(request.file ? { file: request.file } : {}),
      ...(request.baseDir ? { baseDir: request.baseDir } : {}),
    });
    const name = request.name ?? loaded.definition.name;
    this.checkFree(name);
    const world = World.fromLoaded(loaded, { name, limits: this.deps.limits, ...(request.seed !== undefined ? { seed: request.seed } : {}) });
    return this.adopt(world, request.source);
  }

  /** A world from a snapshot: in place (same name, replaces its state) or as a new world. */
  async restore(bytes: Uint8Array, options: { name?: string; inPlace?: boolean }): Promise<HostedWorld> {
    if (options.inPlace) {
      if (!options.name) throw new KernelError(ErrorCode.BAD_REQUEST, "WORLD_RESTORE: in_place needs the 'name' of the world to restore into");
      const hosted = this.get(options.name);
      // Agents' world deadlines run on the clock being replaced: each keeps the virtual time it had left.
      const left = new Map([...hosted.members].flatMap((id) => {
        const d = this.deadlines.get(id);
        return d ? [[id, d.left()] as const] : [];
      }));
      await hosted.restore(bytes);
      for (const [id, ms] of left) {
        const agent = this.deps.agents.find(id);
        if (agent?.alive) this.armDeadline(hosted, agent, ms);
      }
      return hosted;
    }
    const { World } = await this.load();
    const world = World.restore(bytes, { limits: this.deps.limits, ...(options.name ? { name: options.name } : {}) });
    try {
      this.checkFree(world.name);
    } catch (error) {
      world.close();
      throw error;
    }
    return this.adopt(world, null);
  }

  get(name: string): HostedWorld {
    const hosted = this.worlds.get(name);
    if (!hosted) {
      const known = [...this.worlds.keys()];
      throw new KernelError(ErrorCode.WORLD_NOT_FOUND, `no world named '${name}'${known.length ? ` (worlds: ${known.join(', ')})` : '; create one with WORLD_CREATE or `clove world create FILE`'}`, { world: name });
    }
    return hosted;
  }

  find(name: string): HostedWorld | undefined {
    return this.worlds.get(name);
  }

  list(): HostedWorld[] {
    return [...this.worlds.values()];
  }

  /** Stops the world's agents, then disposes of it. */
  async destroy(name: string): Promise<number> {
    const hosted = this.get(name);
    const members = [...hosted.members].map((id) => this.deps.agents.find(id)).filter((a): a is Agent => a?.alive === true);
    await Promise.all(members.map((a) => this.deps.agents.kill(a, 'SIGTERM', undefined, `killed by world ${name} destroyed`)));
    this.worlds.delete(name);
    await hosted.dispose();
    return members.length;
  }

  /**
   * Takes a world none of whose agents still runs out of the table at once (its name is free again)
   * and lets the teardown of its tree (unmount, removal) finish behind; `closeAll` waits for it.
   * For in-process callers that need not wait for the directory to go (gym episodes). A world
   * with running agents is destroyed as by `destroy`.
   */
  async retire(name: string): Promise<void> {
    const hosted = this.get(name);
    if ([...hosted.members].some((id) => this.deps.agents.find(id)?.alive === true)) {
      await this.destroy(name);
      return;
    }
    this.worlds.delete(name);
    const teardown = hosted
      .dispose()
      .catch((error: unknown) => this.deps.log(`world ${name}: tree teardown failed: ${(error as Error).message}`))
      .finally(() => this.teardowns.delete(teardown));
    this.teardowns.add(teardown);
  }

  async closeAll(): Promise<void> {
    for (const hosted of [...this.worlds.values()]) {
      this.worlds.delete(hosted.name);
      await hosted.dispose();
    }
    await Promise.all([...this.teardowns]);
  }

  // --- agents in worlds

  /** Spawns into a world: the agent runs in the world's tree, with the world's agent defaults. */
  async spawn(request: SpawnRequest & { world: string }, parentId: number | null): Promise<Agent> {
    const hosted = this.get(request.world);
    const defaults = hosted.world.agentDefaults;
    const { timeout, ...worldLimits } = defaults.limits ?? {};
    const limits = request.limits ?? (Object.keys(worldLimits).length > 0 ? (worldLimits as SpawnLimits) : undefined);
    const permissions = request.permissions ?? defaults.permissions;
    const dir = await hosted.ensureDir(this.deps.sandboxOwner(request.sandboxed === true));
    const agent = await this.deps.agents.spawn(
      {
        ...request,
        // The script is resolved against the caller's directory; the agent then runs in the world's tree.
        script: this.deps.agents.resolveScript(request),
        cwd: dir,
        env: { ...defaults.env, ...request.env, CLOVE_WORLD: hosted.name },
        ...(limits ? { limits } : {}),
        ...(permissions ? { permissions } : {}),
      },
      parentId,
      request.grants,
    );
    const ms = timeout === undefined ? null : parseDuration(timeout);
    if (ms !== null && agent.alive) this.armDeadline(hosted, agent, ms);
    return agent;
  }

  /**
   * The world's `agents.limits.timeout`: a timer on the world's clock, not a wait, so it never
   * moves a discrete clock by itself (time reaches it only when the world's agents all wait).
   * Cancelled when the agent ends.
   */
  private armDeadline(hosted: HostedWorld, agent: Agent, ms: number): void {
    this.deadlines.get(agent.id)?.cancel();
    const clock = hosted.world.clock;
    const at = clock.now() + ms;
    const timer = clock.schedule(ms, () => {
      this.deadlines.delete(agent.id);
      void this.evict(agent, 'SIGTERM', 'timeout');
    });
    this.deadlines.set(agent.id, { left: () => Math.max(0, at - clock.now()), cancel: () => clock.cancel(timer) });
  }

  /**
   * An agent.kill / agent.pause injected now must reach a running agent of the world: one aimed at
   * nobody is an error (AGENT_NOT_FOUND), not a timeline entry that does nothing.
   */
  checkEventTarget(hosted: HostedWorld, type: string, params: Record<string, unknown>): void {
    if (type !== 'agent.kill' && type !== 'agent.pause') return;
    const ref = params.agent;
    if (typeof ref !== 'string' && typeof ref !== 'number') return; // the schema check names it
    if (this.member(hosted, ref)?.alive) return;
    const members = [...hosted.members].map((id) => this.deps.agents.find(id)).filter((a): a is Agent => a?.alive === true).map((a) => `${a.name} (#${a.id})`);
    throw new KernelError(
      ErrorCode.AGENT_NOT_FOUND,
      `${type}: no running agent '${ref}' in world '${hosted.name}' (${members.length ? `its agents: ${members.join(', ')}` : 'it has no running agents'}); give agent=<name or id> of one of them`,
      { world: hosted.name, agent: ref },
    );
  }

  /** The world a call addresses: `world` in its arguments, else the calling agent's world. */
  worldOf(site: CallSite, args: Args): HostedWorld | undefined {
    const named = typeof args.world === 'string' && args.world ? args.world : undefined;
    const caller = site.caller;
    if (named) {
      this.checkAccess(site, named);
      return this.get(named);
    }
    if (caller.role === 'agent' && caller.agent.record.world && caller.agent.alive) return this.find(caller.agent.record.world);
    return undefined;
  }

  /** A world is its agents' whole environment: an agent reaches its own, not its neighbours' (unless granted 'worlds'). */
  checkAccess(site: Pick<CallSite, 'caller' | 'op'>, world: string): void {
    const caller = site.caller;
    if (caller.role !== 'agent' || caller.agent.record.world === world || caller.agent.grants.has('worlds')) return;
    throw new KernelError(
      ErrorCode.FORBIDDEN,
      `${site.op}: agent '${caller.agent.name}' is ${caller.agent.record.world ? `in world '${caller.agent.record.world}'` : 'in no world'} and may not reach world '${world}' (an operator can grant 'worlds')`,
    );
  }

  join(agent: Agent, hosted: HostedWorld): void {
    if (agent.record.world && agent.record.world !== hosted.name) this.leave(agent);
    agent.record.world = hosted.name;
    if (!hosted.members.has(agent.id)) {
      hosted.members.add(agent.id);
      this.waits.set(agent.id, new AbortController());
      hosted.world.agentJoined(agent.id);
    }
  }

  /** The signal a member's waits on the world clock (SLEEP, world HTTP) listen to, with the call's own. */
  waitSignal(site: CallSite): AbortSignal {
    const id = callerId(site.caller);
    const own = id !== null ? this.waits.get(id) : undefined;
    return own ? AbortSignal.any([site.signal, own.signal]) : site.signal;
  }

  /**
   * Takes an agent out of its world at once, then stops it: its pending sleeps end and it stops
   * counting for the clock, so time cannot run ahead on its behalf while its process exits.
   */
  private async evict(agent: Agent, signal: NodeJS.Signals, reason: string): Promise<void> {
    if (!agent.alive) return;
    this.deadlines.get(agent.id)?.cancel();
    this.deadlines.delete(agent.id);
    this.leave(agent, true);
    await this.deps.agents.kill(agent, signal, undefined, reason);
  }

  /** Leaves the agent's world; `keepRecord` leaves the name on its record (an ended agent's history). */
  leave(agent: Agent, keepRecord = false): void {
    const hosted = agent.record.world ? this.find(agent.record.world) : undefined;
    this.waits.get(agent.id)?.abort(new KernelError(ErrorCode.AGENT_NOT_RUNNING, `agent '${agent.name}' left world '${agent.record.world}'`));
    this.waits.delete(agent.id);
    if (hosted?.members.delete(agent.id)) hosted.world.agentLeft(agent.id);
    if (!keepRecord) agent.record.world = null;
  }

  /** Before its process starts, an agent spawned with `world` joins it (so its first call already counts). */
  agentCreated(agent: Agent): void {
    const hosted = agent.record.world ? this.find(agent.record.world) : undefined;
    if (hosted) this.join(agent, hosted);
  }

  /** Pulls in what the agent wrote, then lets the world's clock stop waiting for it. */
  agentExited(agent: Agent): void {
    this.deadlines.get(agent.id)?.cancel();
    this.deadlines.delete(agent.id);
    const hosted = agent.record.world ? this.find(agent.record.world) : undefined;
    if (!hosted) return;
    void hosted.sync();
    const r = agent.record;
    hosted.world.record('agent.exited', { agent: r.id, name: r.name, state: r.state, reason: r.end_reason, exit_code: r.exit_code, signal: r.signal });
    this.leave(agent, true);
  }

  /**
   * Marks the caller blocked in its world while it waits (RECV, POLL_EVENTS), so that a discrete
   * clock can move on once every agent of the world is waiting.
   */
  async blocking<T>(site: CallSite, wait: Promise<T>): Promise<T> {
    const caller = site.caller;
    if (caller.role !== 'agent' || !caller.agent.record.world) return wait;
    const hosted = this.find(caller.agent.record.world);
    const id = caller.agent.id;
    if (!hosted?.members.has(id)) return wait;
    hosted.world.agentBlocked(id);
    try {
      return await wait;
    } finally {
      if (hosted.members.has(id)) hosted.world.agentUnblocked(id);
    }
  }

  /** Whether a request to `url` leaves the world for the real network (an allow-list world naming its host). */
  letsOut(hosted: HostedWorld, url: string): boolean {
    const network = hosted.world.definition.network;
    return network?.mode === 'allow-list' && hostMatches(new URL(url).hostname, network.allow ?? []);
  }

  /**
   * HTTP for a caller in a world: the world's mocks answer, on the world's clock. What the world
   * lets out goes through the HTTP syscall's guarded client (address checks, body cut at
   * max_bytes); an address it refuses rejects with the `AddressBlockedError`.
   */
  async fetch(site: CallSite, hosted: HostedWorld, call: HttpCall): Promise<HttpResult> {
    const agent = callerId(site.caller);
    const passthrough = worldPassthrough({ timeoutMs: call.timeoutMs, maxBytes: call.maxBytes, allowSpecial: namedExplicitly(site.caller, call.url) });
    const response = await hosted.world
      .fetch({ method: call.method, url: call.url, headers: call.headers, body: call.body ?? null }, { ...(agent !== null ? { agent } : {}), signal: this.waitSignal(site), passthrough })
      .catch((error: unknown) => {
        const cause = (error as { cause?: unknown }).cause;
        throw cause instanceof AddressBlockedError ? cause : error;
      });
    const body = encodeBody(response.body, response.headers['content-type'] ?? null, call.maxBytes);
    return { status: response.status, headers: response.headers, ...body, truncated: body.truncated || response.truncated === true, duration_ms: response.latencyMs };
  }

  private load(): Promise<Engine> {
    this.engine ??= import('../../worlds/index.js');
    return this.engine;
  }

  private checkFree(name: string): void {
    if (!NAME.test(name)) {
      throw new KernelError(ErrorCode.BAD_REQUEST, `world name '${name}' is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    if (this.worlds.has(name)) throw new KernelError(ErrorCode.WORLD_EXISTS, `a world named '${name}' exists already; destroy it or pick another name (--name)`);
  }

  private adopt(world: World, source: string | null): HostedWorld {
    const hosted = new HostedWorld(world, source, (skipped) => this.deps.usage?.(hosted, skipped));
    this.worlds.set(world.name, hosted);
    world.on('event', (entry) => void this.onEvent(hosted, entry));
    world.on('error', (error) => this.deps.log(`world ${world.name}: ${error.message}`));
    return hosted;
  }

  private member(hosted: HostedWorld, ref: string | number): Agent | undefined {
    for (const id of hosted.members) {
      const agent = this.deps.agents.find(id);
      if (agent && refersTo(ref, agent)) return agent;
    }
    return undefined;
  }

  /** Timeline entries reach the bus; file events reach the materialised tree; agent events reach agents. */
  private async onEvent(hosted: HostedWorld, entry: TimelineEntry): Promise<void> {
    this.deps.publish(hosted.name, entry);
    try {
      if (FS_EVENTS.has(entry.type) && typeof entry.params.path === 'string') await hosted.writeThrough(entry.params.path);
      const ref = entry.params.agent;
      if (typeof ref !== 'string' && typeof ref !== 'number') return;
      const agent = this.member(hosted, ref);
      if (!agent?.alive) return;
      if (entry.type === 'agent.kill') {
        await this.evict(agent, (entry.params.signal as NodeJS.Signals | undefined) ?? 'SIGKILL', `killed by world ${hosted.name} event #${entry.seq}`);
      } else if (entry.type === 'agent.pause') {
        await this.deps.agents.pause(agent);
        const duration = entry.params.duration;
        const ms = typeof duration === 'number' || typeof duration === 'string' ? parseDuration(duration) : null;
        if (ms !== null) {
          await hosted.world.sleep(ms).catch(() => undefined);
          if (agent.record.state === 'paused') await this.deps.agents.resume(agent);
        }
      }
    } catch (error) {
      this.deps.log(`world ${hosted.name}: event ${entry.type} #${entry.seq} could not be applied: ${(error as Error).message}`);
    }
  }
}
