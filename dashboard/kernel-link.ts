/**
 * The dashboard's one connection to a kernel, and the only module that speaks the SDK: it
 * reconnects when the kernel restarts, forwards pushed kernel events, and turns SDK records into
 * the dashboard's own view types (what the page receives), so an SDK rename touches this file only.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type AgentRecord, type CloveClient, type KernelEvent, type SpawnRequest, type WorldInfo, type WorldTimelineEntry } from '../sdk/index.js';
import { stateDirFor } from '../sdk/socket-path.js';
import { DashboardError } from './errors.js';

/** One agent as the page shows it. */
export interface AgentView {
  id: number;
  name: string;
  pid: number | null;
  state: string;
  /** The agent that spawned it (null: the operator); the page draws the hierarchy from this. */
  parentId: number | null;
  world: string | null;
  script: string;
  args: string[];
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  endReason: string | null;
  restarts: number;
  sandboxed: boolean;
  /** The isolation really in force, e.g. `ns:pid,net limits:memory`, or `none`. */
  isolation: string;
  cpuPercent: number | null;
  rssBytes: number | null;
}

export interface WorldView {
  name: string;
  seed: string;
  clockMode: string;
  time: string;
  elapsedMs: number;
  files: number;
  pendingEvents: number;
  timelineLength: number;
  requests: number;
  agents: number[];
  stateHash: string;
}

export interface TimelineEntryView {
  seq: number;
  time: number;
  elapsedMs: number;
  type: string;
  source: string;
  name: string | null;
  params: Record<string, unknown>;
  note: string | null;
}

export interface WorldDetail {
  world: WorldView;
  timeline: TimelineEntryView[];
  timelineDropped: number;
  requests: Array<Record<string, unknown>>;
  diff: { added: string[]; modified: string[]; deleted: string[] };
}

export interface KernelView {
  up: boolean;
  /** Why the dashboard has no kernel right now (when `up` is false). */
  reason: string | null;
  socket: string;
  version: string | null;
  pid: number | null;
  runId: string | null;
  uptimeS: number | null;
}

/** What the page's live panels show; sent over the event stream about once a second. */
export interface Snapshot {
  kernel: KernelView;
  agents: AgentView[];
  counts: { running: number; stopped: number; failed: number };
  worlds: WorldView[];
}

export interface EventView {
  seq: number;
  type: string;
  time: number;
  source: number | null;
  data: Record<string, unknown>;
}

/** What the page may ask the kernel to start: a subset of SPAWN, named the dashboard's way. */
export interface SpawnInput {
  script: string;
  args?: string[];
  name?: string;
  cwd?: string;
  world?: string;
  sandboxed?: boolean;
}

export interface KernelLinkOptions {
  socketPath: string;
  /** The operator token (an embedded kernel's); default `CLOVE_TOKEN`, else the token file beside the socket, read at each connect. */
  token?: string;
  /** Wait between reconnection attempts; default 500 ms. */
  retryMs?: number;
}

const LIVE = new Set(['starting', 'running', 'paused', 'restarting']);

function isolationOf(a: AgentRecord): string {
  const iso = a.isolation;
  if (!iso.sandboxed) return 'none';
  const ns = Object.entries(iso.namespaces).filter(([, on]) => on).map(([n]) => n);
  const limits = Object.entries(iso.limits).filter(([, l]) => l.enforced).map(([n]) => n);
  return `${iso.backend}: ns:${ns.join(',') || '-'} limits:${limits.join(',') || '-'}`;
}

function agentView(a: AgentRecord, metrics: { cpu: number; rss: number } | undefined): AgentView {
  return {
    id: a.id,
    name: a.name,
    pid: a.pid,
    state: a.state,
    parentId: a.parentId,
    world: a.world,
    script: a.script,
    args: a.args,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    exitCode: a.exitCode,
    signal: a.signal,
    endReason: a.endReason,
    restarts: a.restarts,
    sandboxed: a.isolation.sandboxed,
    isolation: isolationOf(a),
    cpuPercent: metrics?.cpu ?? null,
    rssBytes: metrics?.rss ?? null,
  };
}

function worldView(w: WorldInfo): WorldView {
  return {
    name: w.name,
    seed: w.seed,
    clockMode: w.clockMode,
    time: w.time,
    elapsedMs: w.elapsedMs,
    files: w.files,
    pendingEvents: w.pendingEvents,
    timelineLength: w.timelineLength,
    requests: w.requests,
    agents: w.agents,
    stateHash: w.stateHash,
  };
}

function timelineView(e: WorldTimelineEntry): TimelineEntryView {
  return { seq: e.seq, time: e.time, elapsedMs: e.elapsed, type: e.type, source: e.source, name: e.name, params: e.params, note: e.note };
}

/** Counts for the header: live agents, agents that ended cleanly or were stopped, agents that failed. */
export function countAgents(agents: readonly AgentView[]): Snapshot['counts'] {
  let running = 0;
  let stopped = 0;
  let failed = 0;
  for (const a of agents) {
    if (LIVE.has(a.state)) running++;
    else if (a.state === 'failed' || (a.state === 'exited' && a.exitCode !== 0)) failed++;
    else stopped++;
  }
  return { running, stopped, failed };
}

/**
 * A self-healing operator connection. `status` fires when the kernel comes or goes; `event` for
 * every kernel event pushed while connected.
 */
export class KernelLink extends EventEmitter<{ status: [KernelView]; event: [EventView] }> {
  readonly socketPath: string;
  #client: CloveClient | null = null;
  #view: KernelView;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #token: string | undefined;
  readonly #retryMs: number;

  constructor(options: KernelLinkOptions) {
    super();
    this.socketPath = options.socketPath;
    this.#token = options.token;
    this.#retryMs = options.retryMs ?? 500;
    this.#view = { up: false, reason: 'connecting', socket: this.socketPath, version: null, pid: null, runId: null, uptimeS: null };
  }

  /** The operator token the kernel answers to now (read afresh: a restarted kernel has a new one). */
  operatorToken(): string | undefined {
    if (this.#token) return this.#token;
    if (process.env.CLOVE_TOKEN) return process.env.CLOVE_TOKEN;
    const file = this.tokenFile;
    if (!existsSync(file)) return undefined;
    try {
      return readFileSync(file, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  get tokenFile(): string {
    return process.env.CLOVE_TOKEN_FILE ?? join(stateDirFor(this.socketPath), 'operator.token');
  }

  /** The kernel's audit log: `audit.log` in its state directory. */
  get auditPath(): string {
    return join(stateDirFor(this.socketPath), 'audit.log');
  }

  get kernel(): KernelView {
    return this.#view;
  }

  /** Connects once; resolves with the kernel's view (up or down with the reason) and keeps retrying while down. */
  async start(): Promise<KernelView> {
    await this.#attempt();
    return this.#view;
  }

  async #attempt(): Promise<void> {
    this.#timer = null;
    if (this.#closed) return;
    const token = this.operatorToken();
    let client: CloveClient | undefined;
    try {
      if (!token) return this.#down(`no operator token at ${this.tokenFile}: is a kernel running on ${this.socketPath}?`);
      client = await connect({ socketPath: this.socketPath, token, timeoutMs: 10_000 });
      if (client.identity?.role !== 'operator') {
        client.close();
        return this.#down(`the token in ${this.tokenFile} is not the operator token of the kernel on ${this.socketPath}`);
      }
      const status = await client.status();
      client.on('event', (e: KernelEvent) => this.emit('event', { seq: e.seq, type: e.type, time: e.time, source: e.source, data: e.data }));
      await client.subscribe(['*'], { push: true });
      client.once('close', () => this.#lost(client!, 'the connection to the kernel closed'));
      this.#client = client;
      this.#set({ up: true, reason: null, socket: this.socketPath, version: status.version, pid: status.pid, runId: status.runId, uptimeS: status.uptimeS });
    } catch (error) {
      client?.close();
      this.#down((error as Error).message);
    }
  }

  #down(reason: string): void {
    this.#set({ ...this.#view, up: false, reason });
    this.#retry();
  }

  #lost(client: CloveClient, reason: string): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#set({ ...this.#view, up: false, reason });
    this.#retry();
  }

  #retry(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => void this.#attempt(), this.#retryMs);
    this.#timer.unref();
  }

  #set(view: KernelView): void {
    const changed = view.up !== this.#view.up || view.runId !== this.#view.runId || view.reason !== this.#view.reason;
    this.#view = view;
    if (changed) this.emit('status', view);
  }

  #require(): CloveClient {
    if (!this.#client) throw new DashboardError('DASHBOARD_KERNEL_DOWN', `no kernel answers on ${this.socketPath} (${this.#view.reason ?? 'not connected'}); the dashboard reconnects when one starts`, 503);
    return this.#client;
  }

  /** Agents (with CPU and memory), counts and worlds: what the live panels show. */
  async snapshot(): Promise<Snapshot> {
    const client = this.#client;
    if (!client) return { kernel: this.#view, agents: [], counts: { running: 0, stopped: 0, failed: 0 }, worlds: [] };
    const [records, metrics, worlds, status] = await Promise.all([client.list({ all: true }), client.allAgentMetrics(), client.worldList(), client.status()]);
    this.#view = { ...this.#view, uptimeS: status.uptimeS };
    const byId = new Map(metrics.map((m) => [m.agentId, { cpu: m.cpuPercent, rss: m.rss }]));
    const agents = records.map((a) => agentView(a, LIVE.has(a.state) ? byId.get(a.id) : undefined));
    return { kernel: this.#view, agents, counts: countAgents(agents), worlds: worlds.map(worldView) };
  }

  async spawn(input: SpawnInput): Promise<AgentView> {
    const request: SpawnRequest = { script: input.script };
    if (input.args) request.args = input.args;
    if (input.name) request.name = input.name;
    if (input.cwd) request.cwd = input.cwd;
    if (input.world) request.world = input.world;
    if (input.sandboxed) request.sandboxed = true;
    return agentView(await this.#require().spawn(request), undefined);
  }

  async kill(agent: number | string, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ killed: boolean; agent: AgentView }> {
    const result = await this.#require().kill(agent, { signal });
    return { killed: result.killed, agent: agentView(result.agent, undefined) };
  }

  async logs(agent: number | string): Promise<Array<{ seq: number; stream: string; time: number; text: string }>> {
    return (await this.#require().logs(agent, { max: 500 })).lines;
  }

  async world(name: string): Promise<WorldDetail> {
    const state = await this.#require().worldState(name, { timeline: true, requests: true, diff: true });
    return {
      world: worldView(state.world),
      timeline: (state.timeline ?? []).map(timelineView),
      timelineDropped: state.timelineDropped ?? 0,
      requests: state.requests ?? [],
      diff: state.diff ?? { added: [], modified: [], deleted: [] },
    };
  }

  async worldEvent(name: string, type: string, params: Record<string, unknown>): Promise<TimelineEntryView | null> {
    const result = await this.#require().worldEvent(name, type, params);
    return result.entry ? timelineView(result.entry) : null;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#client?.close();
    this.#client = null;
  }
}
