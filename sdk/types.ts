/**
 * Wire shapes of the syscalls, shared by the kernel and the TypeScript SDK. Field names are
 * snake_case because they are the wire format (and the Python SDK's), documented in docs/protocol.md.
 */

export type AgentState = 'starting' | 'running' | 'paused' | 'restarting' | 'exited' | 'killed' | 'failed';

export interface SpawnLimits {
  /** Memory limit: bytes, or a string like "64M", "1G". */
  memory?: number | string;
  /** CPU quota as a fraction of one core (0.5 = half a core). */
  cpu_quota?: number;
  /** Maximum number of processes and threads. */
  max_pids?: number;
}

export interface RestartPolicy {
  policy: 'never' | 'on-failure' | 'always';
  max_restarts?: number;
  window_ms?: number;
  backoff_initial_ms?: number;
  backoff_factor?: number;
  backoff_max_ms?: number;
  reset_after_ms?: number;
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
   * Kernel resource quotas for this agent (docs/protocol.md#resource-quotas): `store_bytes`, `store_keys`,
   * `mailbox_bytes`, `event_queue_bytes`, `emit_rate`, `log_bytes`. Byte quotas take sizes such as
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
  no_new_privs: boolean;
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
  parent_id: number | null;
  world: string | null;
  started_at: number;
  ended_at: number | null;
  exit_code: number | null;
  signal: string | null;
  oom_killed: boolean;
  restarts: number;
  isolation: IsolationReport;
  error: string | null;
  /**
   * Why it ended (null while it runs): `exit <code>`, `signal <NAME>`, `oom`, `timeout` (its
   * world's agents.limits.timeout), `killed by <who>` (`operator`, `agent <name>`, `world <w> event
   * #<seq>`, `world <w> destroyed`, `kernel shutdown`), `sandbox setup failed`, or
   * `gave up after <n> restarts within <ms> ms (last: <reason>)`.
   */
  end_reason: string | null;
}

export interface HelloResponse {
  protocol: number;
  kernel_version: string;
  role: 'operator' | 'agent';
  agent_id: number | null;
  agent_name: string | null;
}

export interface LogsResponse {
  agent_id: number;
  lines: Array<{ seq: number; stream: 'stdout' | 'stderr'; time: number; text: string }>;
  next_seq: number;
  dropped: number;
}

export interface Message {
  id: number;
  from: number | null;
  from_name: string | null;
  to: number;
  time: number;
  payload: unknown;
}

export type StoreScope = 'global' | 'agent' | 'session' | 'world';

export const EVENT_TYPES = [
  'AGENT_SPAWNED',
  'AGENT_EXITED',
  'AGENT_RESTARTED',
  'AGENT_GAVE_UP',
  'MESSAGE_RECEIVED',
  'STATE_CHANGED',
  'SYSCALL_BLOCKED',
  'RESOURCE_WARNING',
  'WORLD_EVENT',
  'CUSTOM',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface KernelEvent {
  seq: number;
  type: EventType;
  time: number;
  source: number | null;
  data: Record<string, unknown>;
}

export interface SystemMetrics {
  time: number;
  cpu: { percent: number; per_core: number[]; count: number; load_avg: [number, number, number] };
  memory: { total: number; available: number; used: number; percent: number };
  disk: { path: string; total: number; free: number; used: number; read_bytes: number; write_bytes: number };
  network: { rx_bytes: number; tx_bytes: number };
  kernel: { pid: number; rss: number; uptime_s: number; agents: number; connections: number };
}

export interface ProcessMetrics {
  agent_id: number;
  name: string;
  pid: number | null;
  state: AgentState;
  cpu_percent: number;
  cpu_time_s: number;
  rss: number;
  vms: number;
  threads: number;
  open_fds: number;
  /** Approximate bytes the agent makes the kernel hold: store values it wrote, unread mail, kept logs, queued events. */
  kernel_bytes?: number;
  /** THINK calls of this agent through the kernel's LLM scheduler. */
  llm: LlmAgentMetrics;
}

/** Per-agent LLM figures (METRICS_AGENT `llm`): what bench metrics read. */
export interface LlmAgentMetrics {
  calls: number;
  failures: number;
  prompt_tokens: number;
  completion_tokens: number;
  tokens: number;
  queue_ms_total: number;
  queue_ms_p50: number;
  latency_ms_total: number;
  latency_ms_p50: number;
  weight: number;
}

export interface KernelStatus {
  version: string;
  protocol: number;
  pid: number;
  /** This kernel run's id, stamped on its audit records as `run`. */
  run_id: string;
  socket: string;
  uptime_s: number;
  agents: { total: number; running: number };
  connections: number;
  llm: { provider: string; queued: number; calls: number; failures: number; tokens: number; queue_ms_total: number; latency_ms_total: number };
  sandbox: Record<string, unknown>;
  /** The kernel's resource quotas by wire name (docs/protocol.md#resource-quotas). */
  quotas?: Record<string, number>;
}

export interface FileContent {
  path: string;
  content: string;
  encoding: 'utf8' | 'base64';
  /** Size of the whole file (content may be a slice). */
  size: number;
}

export type FileType = 'file' | 'dir' | 'symlink' | 'other';

export interface FileInfo {
  path: string;
  type: FileType;
  size: number;
  mode: number;
  mtime_ms: number | null;
}

export interface DirEntry {
  name: string;
  type: FileType;
  size: number;
}

export interface ExecOptions {
  timeout_ms?: number;
  max_output_bytes?: number;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
}

export interface ExecResult {
  exit_code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
  timed_out: boolean;
  duration_ms: number;
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
  /** A string (utf8, or base64 with body_encoding), bytes, or a JSON value. */
  body?: unknown;
  body_encoding?: 'utf8' | 'base64';
  timeout_ms?: number;
  max_bytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  body_encoding: 'utf8' | 'base64';
  truncated: boolean;
  duration_ms: number;
}

export interface PermissionSet {
  level: 'UNRESTRICTED' | 'STANDARD' | 'SANDBOXED' | 'READONLY' | 'MINIMAL';
  paths: { read: { allow: string[]; deny: string[] }; write: { allow: string[]; deny: string[] } };
  exec: { allowed: boolean; blocked_commands: string[]; blocked_patterns: string[] };
  http: { allowed: boolean; domains: string[] };
  llm: { allowed: boolean; max_calls: number | null; max_tokens: number | null; weight: number };
}

export interface CgroupMetrics {
  agent_id: number;
  version: 'v1' | 'v2';
  path: string;
  cpu: { usage_usec: number; nr_periods: number; nr_throttled: number; throttled_usec: number; quota_cores: number | null };
  memory: { current: number; peak: number | null; max: number | null; oom_kills: number };
  pids: { current: number; max: number | null };
  frozen: boolean;
}

/** One part of a message's content: text, or an image as base64 bytes. */
export type LlmContentPart = { type: 'text'; text: string } | { type: 'image'; data: string; mime_type: string };

/** A tool call the model asked for; `arguments` is the decoded JSON object. */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * One chat message. `system`/`user` carry text or parts (images); `assistant` may carry
 * `tool_calls`; `tool` answers one call by `tool_call_id`.
 */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | LlmContentPart[] | null;
  tool_calls?: LlmToolCall[];
  tool_call_id?: string;
  /** For `tool` messages: the tool's name (Gemini needs it; filled from the matching call when absent). */
  name?: string;
}

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface LlmTool {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export type LlmToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

/** THINK request. Give `prompt` (with `system`/`image`) or `messages`. */
export interface ThinkOptions {
  prompt?: string;
  /** A system message before `prompt`; `system_instruction` is the same (the 0.1 name). */
  system?: string;
  system_instruction?: string;
  /** An image sent with `prompt`: base64 `data` and its `mime_type` (image/png, image/jpeg, ...). */
  image?: { data: string; mime_type: string };
  messages?: LlmMessage[];
  tools?: LlmTool[];
  tool_choice?: LlmToolChoice;
  model?: string;
  max_tokens?: number;
  temperature?: number;
  stop?: string | string[];
  seed?: number;
  thinking_level?: ThinkingLevel;
  /** Ask a named world's LLM (operators, or agents holding the `worlds` grant). */
  world?: string;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** THINK response. `success`, `content` and `tokens` keep 0.1 agents working; `text` equals `content`. */
export interface ThinkResult {
  success: true;
  content: string;
  text: string;
  tool_calls: LlmToolCall[];
  finish_reason: FinishReason;
  model: string;
  /** `mock`, `openai`, `gemini`, `replay`, or `world:<name>` for a world's scripted LLM. */
  provider: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** usage.total_tokens. */
  tokens: number;
  /** Time waiting for a scheduler slot (wall ms). */
  queue_ms: number;
  /** The provider call (wall ms; for a world's LLM, virtual ms on the world clock). */
  latency_ms: number;
}

export interface WorldInfo {
  name: string;
  seed: string;
  /** Virtual time, ISO 8601. */
  time: string;
  elapsed_ms: number;
  clock_mode: string;
  files: number;
  pending_events: number;
  timeline_length: number;
  requests: number;
  agents: number[];
  /** Host directory holding the world's tree for agent processes, once one exists. */
  directory: string | null;
  /**
   * What the tree is stored on, once it exists: a tmpfs sized by the world's limits (root
   * kernels), or the host's disk and why (docs/sandbox.md, world trees).
   */
  tree_storage: { kind: 'tmpfs'; size_bytes: number; inodes: number } | { kind: 'disk'; reason: string } | null;
  state_hash: string;
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
  /** Timeline entries the world no longer keeps (its timeline_entries quota). */
  timeline_dropped?: number;
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
  tool_calls: LlmToolCall[];
  tokens: number;
  latency_ms: number;
}

export interface WorldSnapshotInfo {
  world: string;
  bytes: number;
  state_hash: string;
  /** Always false: running processes are not part of a snapshot. */
  processes_captured: false;
  path?: string;
  data_base64?: string;
}
