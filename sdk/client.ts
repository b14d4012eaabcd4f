import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Socket } from 'node:net';
import { Codec, decodePayload, encodePayload, type CodecId } from './protocol/codec.js';
import { encodeFrame, FrameDecoder, FrameKind, DEFAULT_MAX_FRAME_SIZE, type Frame } from './protocol/frame.js';
import { Opcode, type OpcodeName } from './protocol/opcodes.js';
import { ClientErrorCode, CloveError } from './errors.js';
import { openSocket } from './transport.js';
import { defaultSocketPath, stateDirFor } from './socket-path.js';
import { eventFromWire, fromWire, toWire, type Camelized } from './wire-case.js';
import type * as wire from './types.js';
import type {
  AgentRecord,
  BroadcastOptions,
  BroadcastResult,
  CgroupMetrics,
  DirEntry,
  EventType,
  ExecOptions,
  ExecResult,
  FileContent,
  FileInfo,
  HelloResponse,
  HttpRequest,
  HttpResponse,
  InWorld,
  KernelEvent,
  KernelStatus,
  KeysOptions,
  KillOptions,
  KillResult,
  ListOptions,
  LogsOptions,
  LogsResponse,
  Message,
  PauseResult,
  PermissionSet,
  PermsInfo,
  PollEventsOptions,
  PollEventsResult,
  ProcessMetrics,
  ReadOptions,
  RecursiveOptions,
  ScopeOptions,
  SendResult,
  SetPermsResult,
  SleepResult,
  SpawnRequest,
  StoreOptions,
  SystemMetrics,
  ThinkOptions,
  ThinkResult,
  TimeInfo,
  WorldCreateRequest,
  WorldDestroyResult,
  WorldEventOptions,
  WorldEventResult,
  WorldInfo,
  WorldRestoreOptions,
  WorldRestoreSource,
  WorldSnapshotInfo,
  WorldStateInclude,
  WorldStateResponse,
  WriteOptions,
} from './api-types.js';

export interface ConnectOptions {
  /** Default: `CLOVE_SOCKET`, else the kernel's default path. */
  socketPath?: string;
  /** Agent or operator token. Default: `CLOVE_TOKEN`, else the operator token file next to the socket. */
  token?: string;
  /** Operator token file. Default: `CLOVE_TOKEN_FILE`, else `<socket dir>/operator.token`. */
  tokenFile?: string;
  /** An inherited, already authenticated channel (what the kernel gives spawned agents as fd 3). */
  fd?: number;
  /** Payload codec. Default msgpack; JSON is there for debugging and parity with stdlib clients. */
  codec?: 'msgpack' | 'json';
  /** Default per-call timeout in ms (0 = none). Default 30000. */
  timeoutMs?: number;
  /** Largest frame accepted from the kernel. Default 16 MiB. */
  maxFrameSize?: number;
}

export interface CallOptions {
  timeoutMs?: number;
}

type AgentRef = number | string;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | null;
}

/**
 * A connection to the kernel. Calls are concurrent: each gets a request id and responses are
 * matched by id, whatever order they come back in. Pushed events arrive as `'event'`.
 */
export class CloveClient extends EventEmitter<{ event: [KernelEvent]; close: [] }> {
  private readonly pending = new Map<number, Pending>();
  private readonly decoder: FrameDecoder;
  private nextId = 1;
  private closedError: CloveError | null = null;
  private outbox: Buffer[] = [];
  identity: HelloResponse | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly codec: CodecId,
    private readonly defaultTimeoutMs: number,
    maxFrameSize: number,
  ) {
    super();
    this.decoder = new FrameDecoder(maxFrameSize);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.shutdown(new CloveError(ClientErrorCode.DISCONNECTED, 'the connection to the kernel closed')));
    socket.on('error', (error) => this.shutdown(new CloveError(ClientErrorCode.DISCONNECTED, `connection to the kernel failed: ${error.message}`)));
  }

  /** Sends one request and resolves with the kernel's result or rejects with a {@link CloveError}. */
  call<T = unknown>(op: OpcodeName, payload?: unknown, options: CallOptions = {}): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const requestId = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const body = encodePayload(this.codec, payload);
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(requestId);
              reject(new CloveError(ClientErrorCode.TIMEOUT, `${op} got no answer within ${timeoutMs} ms`));
            }, timeoutMs)
          : null;
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.enqueue(encodeFrame({ kind: FrameKind.REQUEST, opcode: Opcode[op], codec: this.codec, requestId }, body));
    });
  }

  /**
   * Requests made in the same tick leave together: one write for a lone request (the latency
   * path), one writev for a burst (the throughput path) instead of a syscall per request.
   */
  private enqueue(frame: Buffer): void {
    if (this.outbox.push(frame) === 1) process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    const frames = this.outbox;
    this.outbox = [];
    if (frames.length === 1) {
      this.socket.write(frames[0]!);
      return;
    }
    this.socket.cork();
    for (const frame of frames) this.socket.write(frame);
    this.socket.uncork();
  };

  close(): void {
    if (this.outbox.length > 0) this.flush();
    this.socket.end();
    this.socket.destroy();
    this.shutdown(new CloveError(ClientErrorCode.DISCONNECTED, 'the client was closed'));
  }

  /** One syscall in TypeScript's names: the kernel's answer comes back with camelCase keys. */
  private async request<W>(op: OpcodeName, payload?: unknown, options?: CallOptions): Promise<Camelized<W>> {
    return fromWire(await this.call<W>(op, payload, options));
  }

  // --- system
  noop<T>(payload?: T): Promise<T> {
    return this.call('NOOP', payload);
  }
  /** Seed name for NOOP: echoes `message` back. */
  async echo(message: unknown): Promise<unknown> {
    return ((await this.call<{ message?: unknown }>('NOOP', { message })) ?? {}).message;
  }
  async hello(token?: string): Promise<HelloResponse> {
    this.identity = await this.request<wire.HelloResponse>('HELLO', token === undefined ? { client: 'typescript' } : { token, client: 'typescript' });
    return this.identity;
  }
  status(): Promise<KernelStatus> {
    return this.request<wire.KernelStatus>('STATUS');
  }
  /** Stops the kernel (operators, or agents granted `shutdown`): its agents are killed first. */
  shutdownKernel(): Promise<{ shuttingDown: boolean }> {
    return this.request<{ shutting_down: boolean }>('SHUTDOWN');
  }

  // --- agents
  spawn(request: SpawnRequest): Promise<AgentRecord> {
    const { env, ...rest } = request;
    const body: wire.SpawnRequest = { ...toWire(rest), env, script: resolve(request.script), cwd: request.cwd ? resolve(request.cwd) : process.cwd() };
    return this.request<wire.AgentRecord>('SPAWN', body);
  }
  kill(agent: AgentRef, options: KillOptions = {}): Promise<KillResult> {
    return this.request<{ killed: boolean; agent: wire.AgentRecord }>('KILL', { agent, ...toWire(options) });
  }
  async list(options: ListOptions = {}): Promise<AgentRecord[]> {
    return (await this.request<{ agents: wire.AgentRecord[] }>('LIST', options)).agents;
  }
  wait(agent: AgentRef, timeoutMs?: number): Promise<AgentRecord> {
    return this.request<wire.AgentRecord>('WAIT', { agent, timeout_ms: timeoutMs }, { timeoutMs: timeoutMs === undefined ? 0 : timeoutMs + 5000 });
  }
  logs(agent: AgentRef, options: LogsOptions = {}): Promise<LogsResponse> {
    return this.request<wire.LogsResponse>('LOGS', { agent, ...toWire(options) }, { timeoutMs: (options.waitMs ?? 0) + this.defaultTimeoutMs });
  }
  pause(agent: AgentRef): Promise<PauseResult> {
    return this.request<{ agent: wire.AgentRecord; via: string }>('PAUSE', { agent });
  }
  resume(agent: AgentRef): Promise<PauseResult> {
    return this.request<{ agent: wire.AgentRecord; via: string }>('RESUME', { agent });
  }

  // --- IPC
  send(to: AgentRef, payload: unknown): Promise<SendResult> {
    return this.request<{ message_id: number; to: number }>('SEND', { to, payload });
  }
  /** Waits up to `timeoutMs` (0 = do not wait) and resolves with the next message or null. */
  async recv(timeoutMs = 0): Promise<Message | null> {
    const r = await this.request<{ message: wire.Message | null }>('RECV', { timeout_ms: timeoutMs }, { timeoutMs: timeoutMs + this.defaultTimeoutMs });
    return r.message;
  }
  broadcast(payload: unknown, options: BroadcastOptions = {}): Promise<BroadcastResult> {
    return this.request<{ delivered: number; failed: Array<{ to: number; code: string }> }>('BROADCAST', { payload, ...toWire(options) });
  }

  // --- state
  store(key: string, value: unknown, options: StoreOptions = {}): Promise<{ stored: boolean }> {
    return this.call('STORE', { key, value, ...toWire(options) });
  }
  fetch<T = unknown>(key: string, options: ScopeOptions = {}): Promise<{ found: boolean; value: T | null }> {
    return this.call('FETCH', { key, ...options });
  }
  delete(key: string, options: ScopeOptions = {}): Promise<{ deleted: boolean }> {
    return this.call('DELETE', { key, ...options });
  }
  async keys(options: KeysOptions = {}): Promise<string[]> {
    return (await this.call<{ keys: string[] }>('KEYS', options)).keys;
  }

  // --- events
  subscribe(types: Array<EventType | '*'> = ['*'], options: { push?: boolean } = {}): Promise<{ subscribed: string[] }> {
    return this.call('SUBSCRIBE', { types, ...options });
  }
  unsubscribe(types: Array<EventType | '*'> = ['*']): Promise<{ subscribed: string[] }> {
    return this.call('UNSUBSCRIBE', { types });
  }
  async pollEvents(options: PollEventsOptions = {}): Promise<PollEventsResult> {
    const r = await this.call<{ events: wire.KernelEvent[]; dropped: number }>('POLL_EVENTS', toWire(options), { timeoutMs: (options.timeoutMs ?? 0) + this.defaultTimeoutMs });
    return { events: r.events.map(eventFromWire), dropped: r.dropped };
  }
  /** Emits a CUSTOM event named `name`; `data` reaches subscribers as it is. */
  emitEvent(name: string, data: Record<string, unknown> = {}): Promise<{ seq: number }> {
    return this.call('EMIT', { type: 'CUSTOM', name, data });
  }

  // --- worlds
  /** Creates a world from YAML text (`source`, with `file` for error positions) or a `path` the kernel can read. */
  worldCreate(request: WorldCreateRequest): Promise<WorldInfo> {
    return this.request<wire.WorldInfo>('WORLD_CREATE', toWire(request));
  }
  worldDestroy(world: string): Promise<WorldDestroyResult> {
    return this.request<{ destroyed: string; agents_stopped: number }>('WORLD_DESTROY', { world });
  }
  async worldList(): Promise<WorldInfo[]> {
    return (await this.request<{ worlds: wire.WorldInfo[] }>('WORLD_LIST')).worlds;
  }
  worldJoin(world: string, agent?: AgentRef): Promise<{ world: string; agent: number }> {
    return this.call('WORLD_JOIN', { world, agent });
  }
  worldLeave(agent?: AgentRef): Promise<{ world: string | null; agent: number }> {
    return this.call('WORLD_LEAVE', { agent });
  }
  /** Injects an event now, or schedules it `in` a virtual delay (ms or "30s"). */
  worldEvent(world: string, type: string, params: Record<string, unknown> = {}, options: WorldEventOptions = {}): Promise<WorldEventResult> {
    return this.request<{ entry?: wire.WorldTimelineEntry; scheduled?: number }>('WORLD_EVENT', { world, type, params, ...options });
  }
  worldState(world: string, include: WorldStateInclude = {}): Promise<WorldStateResponse> {
    return this.request<wire.WorldStateResponse>('WORLD_STATE', { world, ...toWire(include) });
  }
  /** Writes the snapshot to `path` on the kernel's host, or returns it as base64 when no path is given. */
  worldSnapshot(world: string, path?: string): Promise<WorldSnapshotInfo> {
    return this.request<wire.WorldSnapshotInfo>('WORLD_SNAPSHOT', { world, path });
  }
  worldRestore(source: WorldRestoreSource, options: WorldRestoreOptions = {}): Promise<WorldInfo> {
    return this.request<wire.WorldInfo>('WORLD_RESTORE', toWire({ ...source, ...options }));
  }
  /** The caller's time: its world's clock inside a world, the host's otherwise. */
  time(world?: string): Promise<TimeInfo> {
    return this.request<{ now_ms: number; iso: string; world: string | null; clock_mode: string; elapsed_ms?: number }>('TIME', world ? { world } : {});
  }
  /** Sleeps on the caller's clock (virtual inside a world: a discrete world may jump ahead). */
  sleep(ms: number, world?: string): Promise<SleepResult> {
    return this.request<{ slept_ms: number; now_ms: number; world: string | null }>('SLEEP', { ms, ...(world ? { world } : {}) }, { timeoutMs: 0 });
  }

  // --- LLM
  /**
   * Asks the kernel's model (a deterministic mock unless the kernel is configured otherwise; inside
   * a world, the world's scripted LLM). Text, images, tools and tool calls; see docs/llm.md.
   *
   * @example
   * const a = await client.think({ prompt: 'List the files to fix', system: 'Be brief', maxTokens: 200 });
   * const b = await client.think({ messages, tools: [{ name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }] });
   * for (const call of b.toolCalls) console.log(call.name, call.arguments);
   */
  think(prompt: string | ThinkOptions): Promise<ThinkResult> {
    const request: wire.ThinkOptions = typeof prompt === 'string' ? { prompt } : toWire(prompt);
    return this.request<wire.ThinkResult>('THINK', request, { timeoutMs: 300_000 });
  }

  // --- files, commands, HTTP (world-aware: inside a world they reach the world; `world` names one)
  read(path: string, options: ReadOptions = {}): Promise<FileContent> {
    return this.call('READ', { path, ...options });
  }
  write(path: string, content: string | Uint8Array, options: WriteOptions = {}): Promise<{ path: string; written: number }> {
    return this.call('WRITE', { path, content, ...options });
  }
  stat(path: string, options: InWorld = {}): Promise<FileInfo> {
    return this.request<wire.FileInfo>('STAT', { path, ...options });
  }
  async listdir(path: string, options: InWorld = {}): Promise<DirEntry[]> {
    return (await this.call<{ entries: DirEntry[] }>('LISTDIR', { path, ...options })).entries;
  }
  unlink(path: string, options: RecursiveOptions = {}): Promise<{ deleted: boolean }> {
    return this.call('UNLINK', { path, ...options });
  }
  mkdir(path: string, options: RecursiveOptions = {}): Promise<{ created: boolean }> {
    return this.call('MKDIR', { path, ...options });
  }
  /** Runs a command beside the calling agent (inside its sandbox); a string runs with /bin/sh -c. */
  exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { env, ...rest } = options;
    const wireOptions: wire.ExecOptions = { ...toWire(rest), env };
    return this.request<wire.ExecResult>('EXEC', { command, ...wireOptions }, { timeoutMs: (options.timeoutMs ?? 30_000) + this.defaultTimeoutMs });
  }
  http(request: HttpRequest): Promise<HttpResponse> {
    const body: wire.HttpRequest = toWire(request);
    return this.request<wire.HttpResponse>('HTTP', body, { timeoutMs: (request.timeoutMs ?? 30_000) + this.defaultTimeoutMs });
  }
  getPerms(agent?: AgentRef): Promise<PermsInfo> {
    return this.request<{ agent_id: number; permissions: wire.PermissionSet; llm_usage: { calls: number; tokens: number } }>('GET_PERMS', agent === undefined ? {} : { agent });
  }
  /** Sets an agent's permissions: a level name, or a (partial) permission set. */
  setPerms(agent: AgentRef, permissions: string | Partial<PermissionSet> | Record<string, unknown>): Promise<SetPermsResult> {
    return this.request<{ agent_id: number; permissions: wire.PermissionSet }>('SET_PERMS', { agent, permissions: toWire(permissions) });
  }

  // --- metrics
  cgroupMetrics(agent?: AgentRef): Promise<CgroupMetrics> {
    return this.request<wire.CgroupMetrics>('METRICS_CGROUP', agent === undefined ? {} : { agent });
  }
  systemMetrics(): Promise<SystemMetrics> {
    return this.request<wire.SystemMetrics>('METRICS_SYSTEM');
  }
  agentMetrics(agent?: AgentRef): Promise<ProcessMetrics> {
    return this.request<wire.ProcessMetrics>('METRICS_AGENT', agent === undefined ? {} : { agent });
  }
  async allAgentMetrics(): Promise<ProcessMetrics[]> {
    return (await this.request<{ agents: wire.ProcessMetrics[] }>('METRICS_ALL_AGENTS')).agents;
  }

  private onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.shutdown(new CloveError(ClientErrorCode.PROTOCOL, `the kernel sent a bad frame: ${(error as Error).message}`));
      this.socket.destroy();
      return;
    }
    for (const frame of frames) this.dispatch(frame);
  }

  private dispatch(frame: Frame): void {
    let payload: unknown;
    try {
      payload = decodePayload(frame.codec, frame.payload);
    } catch (error) {
      payload = new CloveError(ClientErrorCode.PROTOCOL, `undecodable payload from the kernel: ${(error as Error).message}`);
    }
    if (frame.kind === FrameKind.EVENT) {
      this.emit('event', eventFromWire(payload as wire.KernelEvent));
      return;
    }
    const pending = this.pending.get(frame.requestId);
    if (!pending) {
      // Request id 0 carries connection-level errors (a framing violation); the kernel hangs up next.
      if (frame.kind === FrameKind.ERROR && frame.requestId === 0) {
        const e = payload as { code: string; message: string };
        this.shutdown(new CloveError(e.code, e.message));
      }
      return;
    }
    this.pending.delete(frame.requestId);
    if (pending.timer) clearTimeout(pending.timer);
    if (payload instanceof CloveError) return pending.reject(payload);
    if (frame.kind === FrameKind.ERROR) {
      const e = (payload ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
      pending.reject(new CloveError(e.code ?? 'KERNEL_INTERNAL', e.message ?? 'unknown kernel error', e.details));
    } else {
      pending.resolve(payload);
    }
  }

  private shutdown(error: CloveError): void {
    if (this.closedError) return;
    this.closedError = error;
    for (const [id, pending] of this.pending) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
    this.emit('close');
  }
}

function findToken(options: ConnectOptions, socketPath: string): string | undefined {
  if (options.token) return options.token;
  if (process.env.CLOVE_TOKEN) return process.env.CLOVE_TOKEN;
  const file = options.tokenFile ?? process.env.CLOVE_TOKEN_FILE ?? join(stateDirFor(socketPath), 'operator.token');
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Connects to a kernel and says HELLO with the token found (option, `CLOVE_TOKEN`, or the operator
 * token file). With `fd`, uses an inherited channel that the kernel already knows.
 *
 * @example
 * const clove = await connect();
 * const agent = await clove.spawn({ script: 'examples/agents/hello/hello.ts' });
 * console.log(await clove.wait(agent.id));
 */
export async function connect(options: ConnectOptions = {}): Promise<CloveClient> {
  const codec = options.codec === 'json' ? Codec.JSON : Codec.MSGPACK;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxFrame = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (options.fd !== undefined) {
    const client = new CloveClient(await openSocket({ fd: options.fd }), codec, timeoutMs, maxFrame);
    await client.hello();
    return client;
  }
  const socketPath = options.socketPath ?? defaultSocketPath();
  const client = new CloveClient(await openSocket({ socketPath }), codec, timeoutMs, maxFrame);
  const token = findToken(options, socketPath);
  if (token) {
    try {
      await client.hello(token);
    } catch (error) {
      client.close();
      throw error;
    }
  }
  return client;
}
