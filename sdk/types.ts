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
}

export interface KernelStatus {
  version: string;
  protocol: number;
  pid: number;
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

export interface HttpRequest {
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
  llm: { allowed: boolean; max_calls: number | null; max_tokens: number | null };
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

export interface ThinkOptions {
  prompt?: string;
  system?: string;
  messages?: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  model?: string;
  max_tokens?: number;
  temperature?: number;
}

export interface ThinkResult {
  text: string;
  model: string;
  provider: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  queue_ms: number;
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
  source: 'scheduled' | 'injected';
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
