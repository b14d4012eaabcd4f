/**
 * `clove/sdk`: the TypeScript client of the Clove kernel, in camelCase. The wire underneath is
 * snake_case (docs/protocol.md); the client renames in one place (sdk/wire-case.ts).
 *
 * @example
 * import { connect } from 'clove/sdk';
 * const clove = await connect();
 * const agent = await clove.spawn({ script: 'examples/agents/hello/hello.ts', limits: { maxPids: 32 } });
 * const done = await clove.wait(agent.id);
 * console.log(done.state, done.exitCode, done.endReason);
 * await clove.kill(agent.id, { graceMs: 500 });
 * clove.close();
 *
 * @module
 */
export { connect, CloveClient, type ConnectOptions, type CallOptions } from './client.js';
export { runAgent, connectAgent } from './agent.js';
export { task, submit, GYM_SUBMIT_EVENT, type GymTask } from './gym.js';
export { CloveError, ClientErrorCode, toError } from './errors.js';
export { defaultSocketPath } from './socket-path.js';
export { Opcode, opcodeName, type OpcodeName } from './protocol/opcodes.js';
export {
  ErrorCode,
  ERROR_CODES,
  errorCodeInfo,
  isRetryable,
  isWireCode,
  type ErrorCodeValue,
  type ClientErrorCodeValue,
  type LibraryErrorCodeValue,
  type CloveErrorCode,
  type ErrorCodeInfo,
  type ErrorScope,
  type RegisteredErrorCode,
} from './protocol/error-codes.js';
export { Codec } from './protocol/codec.js';
export { FrameKind, HEADER_SIZE, PROTOCOL_VERSION, DEFAULT_MAX_FRAME_SIZE } from './protocol/frame.js';
export { EVENT_TYPES } from './api-types.js';
export type {
  // agents
  AgentState,
  AgentRecord,
  SpawnRequest,
  SpawnLimits,
  RestartPolicy,
  IsolationReport,
  KillOptions,
  KillResult,
  ListOptions,
  LogsOptions,
  LogsResponse,
  PauseResult,
  HelloResponse,
  KernelStatus,
  // messages, state, events
  Message,
  SendResult,
  BroadcastOptions,
  BroadcastResult,
  StoreScope,
  StoreOptions,
  ScopeOptions,
  KeysOptions,
  EventType,
  KernelEvent,
  PollEventsOptions,
  PollEventsResult,
  // files, commands, HTTP, permissions
  InWorld,
  ReadOptions,
  WriteOptions,
  RecursiveOptions,
  FileContent,
  FileInfo,
  FileType,
  DirEntry,
  ExecOptions,
  ExecResult,
  HttpRequest,
  HttpResponse,
  PermissionSet,
  PermsInfo,
  SetPermsResult,
  // LLM
  ThinkOptions,
  ThinkResult,
  ThinkingLevel,
  FinishReason,
  LlmMessage,
  LlmContentPart,
  LlmTool,
  LlmToolCall,
  LlmToolChoice,
  LlmAgentMetrics,
  // worlds and time
  WorldCreateRequest,
  WorldInfo,
  WorldDestroyResult,
  WorldEventOptions,
  WorldEventResult,
  WorldStateInclude,
  WorldStateResponse,
  WorldTimelineEntry,
  WorldLlmCall,
  WorldSnapshotInfo,
  WorldRestoreSource,
  WorldRestoreOptions,
  TimeInfo,
  SleepResult,
  // metrics
  SystemMetrics,
  ProcessMetrics,
  CgroupMetrics,
} from './api-types.js';
