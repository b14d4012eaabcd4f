/**
 * The records and options of the TypeScript SDK (`clove/sdk`), in camelCase. They are the wire
 * shapes of sdk/types.ts (snake_case, docs/protocol.md) with their keys renamed; the client maps
 * between the two in sdk/wire-case.ts, and the compiler checks each pair there.
 */

import type { AgentState, EventType, FileType, FinishReason, LlmToolChoice, StoreScope, ThinkingLevel } from './types.js';

export type { AgentState, EventType, FileType, FinishReason, LlmToolChoice, StoreScope, ThinkingLevel };
export { EVENT_TYPES } from './types.js';

export interface SpawnLimits {
  /** Memory limit: bytes, or a string like "64M", "1G". */
  memory?: number | string;
  /** CPU quota as a fraction of one core (0.5 = half a core). */
  cpuQuota?: number;
  /** Maximum number of processes and threads. */
  maxPids?: number;
}

export interface RestartPolicy {
  policy: 'never' | 'on-failure' | 'always';
  maxRestarts?: number;
  windowMs?: number;
  backoffInitialMs?: number;
  backoffFactor?: number;
  backoffMaxMs?: number;
  resetAfterMs?: number;
}

export interface SpawnRequest {
  /** Unique among live agents; defaults to the script's base name plus the id. */
  name?: string;
  /** Path of the executable or script (.py, .js, .mjs, .ts, or anything executable). */
  script: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  sandboxed?: boolean;
  network?: boolean;
  limits?: SpawnLimits;
  /** Permission level name or a full permission set; see GET_PERMS. */
  permissions?: string | Record<string, unknown>;
  restart?: RestartPolicy;
  world?: string;
  /**
   * Operator rights given to the agent: `kill` (KILL/PAUSE/RESUME any agent), `perms`
   * (GET/SET_PERMS of others), `worlds` (WORLD_* and other worlds), `shutdown`. An agent can pass
   * on only the grants it holds.
   */
  grants?: Array<'kill' | 'perms' | 'worlds' | 'shutdown'>;
  /**
   * Kernel resource quotas for this agent (docs/protocol.md#resource-quotas): `storeBytes`, `storeKeys`,
   * `mailboxBytes`, `eventQueueBytes`, `emitRate`, `logBytes`. Byte quotas take sizes such as
   * "8M". Never more than the spawning agent's own.
   */
  quotas?: Record<string, number | string>;
}

/** What isolation is really in force for one agent; nothing is claimed that is not enforced. */
export interface IsolationReport {
  sandboxed: boolean;
  backend: string;
  namespaces: Record<'pid' | 'net' | 'mnt' | 'uts' | 'ipc' | 'user', boolean>;
  cgroup: { version: 'v1' | 'v2' | null; path: string | null };
  limits: {
    memory: { requested: number | null; enforced: boolean; via: string | null };
    cpu: { requested: number | null; enforced: boolean; via: string | null };
    pids: { requested: number | null; enforced: boolean; via: string | null };
  };
  uid: number | null;
  noNewPrivs: boolean;
  notes: string[];
}

export interface AgentRecord {
  id: number;
  name: string;
  pid: number | null;
  state: AgentState;
  script: string;
  args: string[];
  interpreter: string | null;
  parentId: number | null;
  world: string | null;
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  oomKilled: boolean;
  restarts: number;
  isolation: IsolationReport;
  error: string | null;
  /**
   * Why it ended (null while it runs): `exit <code>`, `signal <NAME>`, `oom`, `timeout` (its
   * world's agents.limits.timeout), `killed by <who>` (`operator`, `agent <name>`, `world <w> event
   * #<seq>`, `world <w> destroyed`, `kernel shutdown`), `sandbox setup failed`, or
   * `gave up after <n> restarts within <ms> ms (last: <reason>)`.
   */
  endReason: string | null;
}

export interface HelloResponse {
  protocol: number;
  kernelVersion: string;
  role: 'operator' | 'agent';
  agentId: number | null;
  agentName: string | null;
}

export interface LogsResponse {
  agentId: number;
  lines: Array<{ seq: number; stream: 'stdout' | 'stderr'; time: number; text: string }>;
  nextSeq: number;
  dropped: number;
}

export interface Message {
  id: number;
  from: number | null;
  fromName: string | null;
  to: number;
  time: number;
  payload: unknown;
}

export interface KernelEvent {
  seq: number;
  type: EventType;
  time: number;
  source: number | null;
  /**
   * The kernel's own events carry camelCase fields (AGENT_EXITED: `id`, `exitCode`, `reason`,
   * ...); a CUSTOM event's data is what the emitting agent wrote, as it wrote it, plus `name`.
   */
  data: Record<string, unknown>;
}

export interface SystemMetrics {
  time: number;
  cpu: { percent: number; perCore: number[]; count: number; loadAvg: [number, number, number] };
  memory: { total: number; available: number; used: number; percent: number };
  disk: { path: string; total: number; free: number; used: number; readBytes: number; writeBytes: number };
  network: { rxBytes: number; txBytes: number };
  kernel: { pid: number; rss: number; uptimeS: number; agents: number; connections: number };
}

export interface ProcessMetrics {
  agentId: number;
  name: string;
  pid: number | null;
  state: AgentState;
  cpuPercent: number;
  cpuTimeS: number;
  rss: number;
  vms: number;
  threads: number;
  openFds: number;
  /** Approximate bytes the agent makes the kernel hold: store values it wrote, unread mail, kept logs, queued events. */
  kernelBytes?: number;
  /** THINK calls of this agent through the kernel's LLM scheduler. */
  llm: LlmAgentMetrics;
}

/** Per-agent LLM figures (METRICS_AGENT `llm`): what bench metrics read. */
export interface LlmAgentMetrics {
  calls: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  tokens: number;
  queueMsTotal: number;
  queueMsP50: number;
  latencyMsTotal: number;
  latencyMsP50: number;
  weight: number;
}

export interface KernelStatus {
  version: string;
  protocol: number;
  pid: number;
  /** This kernel run's id, stamped on its audit records as `run`. */
  runId: string;
  socket: string;
  uptimeS: number;
  agents: { total: number; running: number };
  connections: number;
  llm: { provider: string; queued: number; calls: number; failures: number; tokens: number; queueMsTotal: number; latencyMsTotal: number };
  sandbox: Record<string, unknown>;
  /** The kernel's resource quotas by name, e.g. `storeBytes` (docs/protocol.md#resource-quotas). */
  quotas?: Record<string, number>;
}

export interface FileContent {
  path: string;
  content: string;
  encoding: 'utf8' | 'base64';
  /** Size of the whole file (content may be a slice). */
  size: number;
}

export interface FileInfo {
  path: string;
  type: FileType;
  size: number;
  mode: number;
  mtimeMs: number | null;
}

export interface DirEntry {
  name: string;
  type: FileType;
  size: number;
}

export interface ExecOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  durationMs: number;
}

/**
 * The `world` option of file, HTTP and store calls: reach this world instead of the caller's own
 * (an operator, or an agent granted `worlds`; an agent in a world reaches its own without it).
 */
export interface InWorld {
  world?: string;
}

export interface HttpRequest extends InWorld {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  headers?: Record<string, string>;
  /** A string (utf8, or base64 with bodyEncoding), bytes, or a JSON value. */
  body?: unknown;
  bodyEncoding?: 'utf8' | 'base64';
  timeoutMs?: number;
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  truncated: boolean;
  durationMs: number;
}

export interface PermissionSet {
  level: 'UNRESTRICTED' | 'STANDARD' | 'SANDBOXED' | 'READONLY' | 'MINIMAL';
  paths: { read: { allow: string[]; deny: string[] }; write: { allow: string[]; deny: string[] } };
  exec: { allowed: boolean; blockedCommands: string[]; blockedPatterns: string[] };
  http: { allowed: boolean; domains: string[] };
  llm: { allowed: boolean; maxCalls: number | null; maxTokens: number | null; weight: number };
}

export interface CgroupMetrics {
  agentId: number;
  version: 'v1' | 'v2';
  path: string;
  cpu: { usageUsec: number; nrPeriods: number; nrThrottled: number; throttledUsec: number; quotaCores: number | null };
  memory: { current: number; peak: number | null; max: number | null; oomKills: number };
  pids: { current: number; max: number | null };
  frozen: boolean;
}

/** One part of a message's content: text, or an image as base64 bytes. */
export type LlmContentPart = { type: 'text'; text: string } | { type: 'image'; data: string; mimeType: string };

/** A tool call the model asked for; `arguments` is the decoded JSON object. */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * One chat message. `system`/`user` carry text or parts (images); `assistant` may carry
 * `toolCalls`; `tool` answers one call by `toolCallId`.
 */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | LlmContentPart[] | null;
  toolCalls?: LlmToolCall[];
  toolCallId?: string;
  /** For `tool` messages: the tool's name (Gemini needs it; filled from the matching call when absent). */
  name?: string;
}

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface LlmTool {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** THINK request. Give `prompt` (with `system`/`image`) or `messages`. */
export interface ThinkOptions {
  prompt?: string;
  /** A system message before `prompt`; `systemInstruction` is the same (the 0.1 name). */
  system?: string;
  systemInstruction?: string;
  /** An image sent with `prompt`: base64 `data` and its `mimeType` (image/png, image/jpeg, ...). */
  image?: { data: string; mimeType: string };
  messages?: LlmMessage[];
  tools?: LlmTool[];
  toolChoice?: LlmToolChoice;
  model?: string;
  maxTokens?: number;
  temperature?: number;
  stop?: string | string[];
  seed?: number;
  thinkingLevel?: ThinkingLevel;
  /** Ask a named world's LLM (operators, or agents holding the `worlds` grant). */
  world?: string;
}

/** THINK response. `success`, `content` and `tokens` keep 0.1 agents working; `text` equals `content`. */
export interface ThinkResult {
  success: true;
  content: string;
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: FinishReason;
  model: string;
  /** `mock`, `openai`, `gemini`, `replay`, or `world:<name>` for a world's scripted LLM. */
  provider: string;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  /** usage.totalTokens. */
  tokens: number;
  /** Time waiting for a scheduler slot (wall ms). */
  queueMs: number;
  /** The provider call (wall ms; for a world's LLM, virtual ms on the world clock). */
  latencyMs: number;
}

export interface WorldInfo {
  name: string;
  seed: string;
  /** Virtual time, ISO 8601. */
  time: string;
  elapsedMs: number;
  clockMode: string;
  files: number;
  pendingEvents: number;
  timelineLength: number;
  requests: number;
  agents: number[];
  /** Host directory holding the world's tree for agent processes, once one exists. */
  directory: string | null;
  /** Where the tree is kept: its own size-limited tmpfs (a root kernel), or the host's disk with the reason; null before a tree exists. */
  treeStorage: { kind: 'tmpfs'; sizeBytes: number; inodes: number } | { kind: 'disk'; reason: string } | null;
  stateHash: string;
}

/** One entry of a world's timeline: what happened, when on the world clock, in which order. */
export interface WorldTimelineEntry {
  /** 1, 2, 3, ... in the order events fired. */
  seq: number;
  /** Virtual time, epoch milliseconds. */
  time: number;
  /** Virtual milliseconds since the world's start time. */
  elapsed: number;
  type: string;
  params: Record<string, unknown>;
  /** `kernel`: written by the kernel itself (e.g. `agent.exited` when a member agent ends). */
  source: 'scheduled' | 'injected' | 'kernel';
  /** The event's name in the world file (or given to inject/schedule), else null. */
  name: string | null;
  /** What the world did, e.g. `truncated /data/a.csv to 12 bytes`, or why it did nothing. */
  note: string | null;
}

export interface WorldStateResponse {
  world: WorldInfo;
  timeline?: WorldTimelineEntry[];
  /** Timeline entries the world no longer keeps (its `timeline_entries` quota). */
  timelineDropped?: number;
  requests?: Array<Record<string, unknown>>;
  diff?: { added: string[]; modified: string[]; deleted: string[] };
  kv?: Record<string, unknown>;
  pending?: Array<Record<string, unknown>>;
  /** With `llm: true`: the world's LLM mode, every call (prompt, rule, answer, tokens, latency) and active faults. */
  llm?: { mode: 'mock' | 'passthrough'; calls: WorldLlmCall[]; faults: Array<Record<string, unknown>> };
}

/** One call to a world's LLM, in order (WORLD_STATE `llm`): what was asked and what it answered. */
export interface WorldLlmCall {
  seq: number;
  time: number;
  agent: string | null;
  mode: 'mock' | 'passthrough';
  /** The whole conversation, one `role: text` line per message: what graders search. */
  prompt: string;
  messages: LlmMessage[];
  tools: string[];
  rule: string | null;
  outcome: string;
  content: string;
  toolCalls: LlmToolCall[];
  tokens: number;
  latencyMs: number;
}

export interface WorldSnapshotInfo {
  world: string;
  bytes: number;
  stateHash: string;
  /** Always false: running processes are not part of a snapshot. */
  processesCaptured: false;
  path?: string;
  dataBase64?: string;
}

// --- options and results of single calls

export interface KillOptions {
  /** First signal. Default SIGTERM. */
  signal?: NodeJS.Signals;
  /** How long to wait after the first signal before SIGKILL. Default: the kernel's `killGraceMs`. */
  graceMs?: number;
}

export interface KillResult {
  killed: boolean;
  agent: AgentRecord;
}

export interface ListOptions {
  /** Include agents that ended. */
  all?: boolean;
}

export interface LogsOptions {
  /** Only lines after this sequence number (the `nextSeq` of the previous answer). */
  sinceSeq?: number;
  /** Wait up to this long for a new line when there is none. */
  waitMs?: number;
  /** At most this many lines. */
  max?: number;
}

export interface PauseResult {
  agent: AgentRecord;
  /** How the agent was stopped or continued (`freezer`, `SIGSTOP`, ...). */
  via: string;
}

export interface SendResult {
  messageId: number;
  to: number;
}

export interface BroadcastOptions {
  /** Also deliver to the sender. */
  includeSelf?: boolean;
}

export interface BroadcastResult {
  delivered: number;
  failed: Array<{ to: number; code: string }>;
}

export interface StoreOptions extends InWorld {
  scope?: StoreScope;
  /** Forget the key after this long. */
  ttlMs?: number;
}

export interface ScopeOptions extends InWorld {
  scope?: StoreScope;
}

export interface KeysOptions extends ScopeOptions {
  prefix?: string;
}

export interface PollEventsOptions {
  max?: number;
  /** Wait up to this long for an event when none is queued. */
  timeoutMs?: number;
}

export interface PollEventsResult {
  events: KernelEvent[];
  dropped: number;
}

export interface WorldCreateRequest {
  /** YAML text of the world. */
  source?: string;
  /** A world file the kernel can read. */
  path?: string;
  /** The file name used in error positions for `source`. */
  file?: string;
  name?: string;
  seed?: number | string;
  /** Where relative paths in `source` are resolved. */
  baseDir?: string;
}

export interface WorldDestroyResult {
  destroyed: string;
  agentsStopped: number;
}

export interface WorldEventOptions {
  /** Schedule the event this far ahead on the world clock (ms or "30s") instead of now. */
  in?: number | string;
  label?: string;
}

export interface WorldEventResult {
  entry?: WorldTimelineEntry;
  scheduled?: number;
}

/** What WORLD_STATE adds to the world's info. */
export interface WorldStateInclude {
  timeline?: boolean;
  requests?: boolean;
  diff?: boolean;
  kv?: boolean;
  pending?: boolean;
  llm?: boolean;
  limit?: number;
  sinceSeq?: number;
  max?: number;
}

/** A snapshot to restore: a file on the kernel's host, or the bytes as base64. */
export type WorldRestoreSource = { path: string } | { dataBase64: string };

export interface WorldRestoreOptions {
  /** Name of the restored world. */
  name?: string;
  /** Replace the world of the same name, keeping its member agents. */
  inPlace?: boolean;
}

export interface TimeInfo {
  nowMs: number;
  iso: string;
  world: string | null;
  clockMode: string;
  elapsedMs?: number;
}

export interface SleepResult {
  sleptMs: number;
  nowMs: number;
  world: string | null;
}

export interface ReadOptions extends InWorld {
  encoding?: 'utf8' | 'base64';
  offset?: number;
  length?: number;
}

export interface WriteOptions extends InWorld {
  encoding?: 'utf8' | 'base64';
  /** `w` replaces the file, `a` appends. */
  mode?: 'w' | 'a';
}

export interface RecursiveOptions extends InWorld {
  recursive?: boolean;
}

export interface PermsInfo {
  agentId: number;
  permissions: PermissionSet;
  llmUsage: { calls: number; tokens: number };
}

export interface SetPermsResult {
  agentId: number;
  permissions: PermissionSet;
}
