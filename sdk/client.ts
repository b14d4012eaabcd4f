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
import type {
  AgentRecord,
  CgroupMetrics,
  DirEntry,
  ExecOptions,
  ExecResult,
  FileContent,
  FileInfo,
  HttpRequest,
  HttpResponse,
  InWorld,
  ThinkOptions,
  WorldInfo,
  WorldSnapshotInfo,
  WorldStateResponse,
  WorldTimelineEntry,
  ThinkResult,
  PermissionSet,
  EventType,
  HelloResponse,
  KernelEvent,
  KernelStatus,
  LogsResponse,
  Message,
  ProcessMetrics,
  SpawnRequest,
  StoreScope,
  SystemMetrics,
} from './types.js';

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

  // --- system
  noop<T>(payload?: T): Promise<T> {
    return this.call('NOOP', payload);
  }
  /** Seed name for NOOP: echoes `message` back. */
  async echo(message: unknown): Promise<unknown> {
    return ((await this.call<{ message?: unknown }>('NOOP', { message })) ?? {}).message;
  }
  async hello(token?: string): Promise<HelloResponse> {
    this.identity = await this.call<HelloResponse>('HELLO', token === undefined ? { client: 'typescript' } : { token, client: 'typescript' });
    return this.identity;
  }
  status(): Promise<KernelStatus> {
    return this.call('STATUS');
  }
  shutdown_kernel(): Promise<{ shutting_down: boolean }> {
    return this.call('SHUTDOWN');
  }

  // --- agents
  spawn(request: SpawnRequest): Promise<AgentRecord> {
    return this.call('SPAWN', { ...request, script: resolve(request.script), cwd: request.cwd ? resolve(request.cwd) : process.cwd() });
  }
  kill(agent: AgentRef, options: { signal?: NodeJS.Signals; grace_ms?: number } = {}): Promise<{ killed: boolean; agent: AgentRecord }> {
    return this.call('KILL', { agent, ...options });
  }
  async list(options: { all?: boolean } = {}): Promise<AgentRecord[]> {
    return (await this.call<{ agents: AgentRecord[] }>('LIST', options)).agents;
  }
  wait(agent: AgentRef, timeoutMs?: number): Promise<AgentRecord> {
    return this.call('WAIT', { agent, timeout_ms: timeoutMs }, { timeoutMs: timeoutMs === undefined ? 0 : timeoutMs + 5000 });
  }
  logs(agent: AgentRef, options: { since_seq?: number; wait_ms?: number; max?: number } = {}): Promise<LogsResponse> {
    return this.call('LOGS', { agent, ...options }, { timeoutMs: (options.wait_ms ?? 0) + this.defaultTimeoutMs });
  }
  pause(agent: AgentRef): Promise<{ agent: AgentRecord; via: string }> {
    return this.call('PAUSE', { agent });
  }
  resume(agent: AgentRef): Promise<{ agent: AgentRecord; via: string }> {
    return this.call('RESUME', { agent });
  }

  // --- IPC
  send(to: AgentRef, payload: unknown): Promise<{ message_id: number; to: number }> {
    return this.call('SEND', { to, payload });
  }
  /** Waits up to `timeoutMs` (0 = do not wait) and resolves with the next message or null. */
  async recv(timeoutMs = 0): Promise<Message | null> {
    const r = await this.call<{ message: Message | null }>('RECV', { timeout_ms: timeoutMs }, { timeoutMs: timeoutMs + this.defaultTimeoutMs });
    return r.message;
  }
  broadcast(payload: unknown, options: { include_self?: boolean } = {}): Promise<{ delivered: number; failed: Array<{ to: number; code: string }> }> {
    return this.call('BROADCAST', { payload, ...options });
  }

  // --- state
  store(key: string, value: unknown, options: { scope?: StoreScope; ttl_ms?: number } & InWorld = {}): Promise<{ stored: boolean }> {
    return this.call('STORE', { key, value, ...options });
  }
  fetch<T = unknown>(key: string, options: { scope?: StoreScope } & InWorld = {}): Promise<{ found: boolean; value: T | null }> {
    return this.call('FETCH', { key, ...options });
  }
  delete(key: string, options: { scope?: StoreScope } & InWorld = {}): Promise<{ deleted: boolean }> {
    return this.call('DELETE', { key, ...options });
  }
  async keys(options: { prefix?: string; scope?: StoreScope } & InWorld = {}): Promise<string[]> {
    return (await this.call<{ keys: string[] }>('KEYS', options)).keys;
  }

  // --- events
  subscribe(types: Array<EventType | '*'> = ['*'], options: { push?: boolean } = {}): Promise<{ subscribed: string[] }> {
    return this.call('SUBSCRIBE', { types, ...options });
  }
  unsubscribe(types: Array<EventType | '*'> = ['*']): Promise<{ subscribed: string[] }> {
    return this.call('UNSUBSCRIBE', { types });
  }
  pollEvents(options: { max?: number; timeout_ms?: number } = {}): Promise<{ events: KernelEvent[]; dropped: number }> {
    return this.call('POLL_EVENTS', options, { timeoutMs: (options.timeout_ms ?? 0) + this.defaultTimeoutMs });
  }
  emitEvent(name: string, data: Record<string, unknown> = {}): Promise<{ seq: number }> {
    return this.call('EMIT', { type: 'CUSTOM', name, data });
  }

  // --- worlds
  /** Creates a world from YAML text (`source`, with `file` for error positions) or a `path` the kernel can read. */
  worldCreate(request: { source?: string; path?: string; file?: string; name?: string; seed?: number | string; base_dir?: string }): Promise<WorldInfo> {
    return this.call('WORLD_CREATE', request);
  }
  worldDestroy(world: string): Promise<{ destroyed: string; agents_stopped: number }> {
    return this.call('WORLD_DESTROY', { world });
  }
  async worldList(): Promise<WorldInfo[]> {
    return (await this.call<{ worlds: WorldInfo[] }>('WORLD_LIST')).worlds;
  }
  worldJoin(world: string, agent?: AgentRef): Promise<{ world: string; agent: number }> {
    return this.call('WORLD_JOIN', { world, agent });
  }
  worldLeave(agent?: AgentRef): Promise<{ world: string | null; agent: number }> {
    return this.call('WORLD_LEAVE', { agent });
  }
  /** Injects an event now, or schedules it `in` a virtual delay (ms or "30s"). */
  worldEvent(world: string, type: string, params: Record<string, unknown> = {}, options: { in?: number | string; label?: string } = {}): Promise<{ entry?: WorldTimelineEntry; scheduled?: number }> {
    return this.call('WORLD_EVENT', { world, type, params, ...options });
  }
  worldState(world: string, include: { timeline?: boolean; requests?: boolean; diff?: boolean; kv?: boolean; pending?: boolean; llm?: boolean; limit?: number; since_seq?: number; max?: number } = {}): Promise<WorldStateResponse> {
    return this.call('WORLD_STATE', { world, ...include });
  }
  /** Writes the snapshot to `path` on the kernel's host, or returns it as base64 when no path is given. */
  worldSnapshot(world: string, path?: string): Promise<WorldSnapshotInfo> {
    return this.call('WORLD_SNAPSHOT', { world, path });
  }
  worldRestore(source: { path: string } | { data_base64: string }, options: { name?: string; in_place?: boolean } = {}): Promise<WorldInfo> {
    return this.call('WORLD_RESTORE', { ...source, ...options });
  }
  /** The caller's time: its world's clock inside a world, the host's otherwise. */
  time(world?: string): Promise<{ now_ms: number; iso: string; world: string | null; clock_mode: string; elapsed_ms?: number }> {
    return this.call('TIME', world ? { world } : {});
  }
  /** Sleeps on the caller's clock (virtual inside a world: a discrete world may jump ahead). */
  sleep(ms: number, world?: string): Promise<{ slept_ms: number; now_ms: number; world: string | null }> {
    return this.call('SLEEP', { ms, ...(world ? { world } : {}) }, { timeoutMs: 0 });
  }

  // --- LLM
  /**
   * Asks the kernel's model (a deterministic mock unless the kernel is configured otherwise; inside
   * a world, the world's scripted LLM). Text, images, tools and tool calls; see docs/llm.md.
   *
   * @example
   * const a = await client.think({ prompt: 'List the files to fix', system: 'Be brief', max_tokens: 200 });
   * const b = await client.think({ messages, tools: [{ name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }] });
   * for (const call of b.tool_calls) console.log(call.name, call.arguments);
   */
  think(prompt: string | ThinkOptions): Promise<ThinkResult> {
    const request = typeof prompt === 'string' ? { prompt } : prompt;
    return this.call('THINK', request, { timeoutMs: 300_000 });
  }

  // --- files, commands, HTTP (world-aware: inside a world they reach the world; `world` names one)
  async read(path: string, options: { encoding?: 'utf8' | 'base64'; offset?: number; length?: number } & InWorld = {}): Promise<FileContent> {
    return this.call('READ', { path, ...options });
  }
  write(path: string, content: string | Uint8Array, options: { encoding?: 'utf8' | 'base64'; mode?: 'w' | 'a' } & InWorld = {}): Promise<{ path: string; written: number }> {
    return this.call('WRITE', { path, content, ...options });
  }
  stat(path: string, options: InWorld = {}): Promise<FileInfo> {
    return this.call('STAT', { path, ...options });
  }
  async listdir(path: string, options: InWorld = {}): Promise<DirEntry[]> {
    return (await this.call<{ entries: DirEntry[] }>('LISTDIR', { path, ...options })).entries;
  }
  unlink(path: string, options: { recursive?: boolean } & InWorld = {}): Promise<{ deleted: boolean }> {
    return this.call('UNLINK', { path, ...options });
  }
  mkdir(path: string, options: { recursive?: boolean } & InWorld = {}): Promise<{ created: boolean }> {
    return this.call('MKDIR', { path, ...options });
  }
  /** Runs a command beside the calling agent (inside its sandbox); a string runs with /bin/sh -c. */
  exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.call('EXEC', { command, ...options }, { timeoutMs: (options.timeout_ms ?? 30_000) + this.defaultTimeoutMs });
  }
  http(request: HttpRequest): Promise<HttpResponse> {
    return this.call('HTTP', request, { timeoutMs: (request.timeout_ms ?? 30_000) + this.defaultTimeoutMs });
  }
  getPerms(agent?: AgentRef): Promise<{ agent_id: number; permissions: PermissionSet; llm_usage: { calls: number; tokens: number } }> {
    return this.call('GET_PERMS', agent === undefined ? {} : { agent });
  }
  setPerms(agent: AgentRef, permissions: string | Partial<PermissionSet> | Record<string, unknown>): Promise<{ agent_id: number; permissions: PermissionSet }> {
    return this.call('SET_PERMS', { agent, permissions });
  }

  // --- metrics
  cgroupMetrics(agent?: AgentRef): Promise<CgroupMetrics> {
    return this.call('METRICS_CGROUP', agent === undefined ? {} : { agent });
  }
  systemMetrics(): Promise<SystemMetrics> {
    return this.call('METRICS_SYSTEM');
  }
  agentMetrics(agent?: AgentRef): Promise<ProcessMetrics> {
    return this.call('METRICS_AGENT', agent === undefined ? {} : { agent });
  }
  async allAgentMetrics(): Promise<ProcessMetrics[]> {
    return (await this.call<{ agents: ProcessMetrics[] }>('METRICS_ALL_AGENTS')).agents;
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
      this.emit('event', payload as KernelEvent);
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
