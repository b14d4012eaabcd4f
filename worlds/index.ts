/**
 * `clove/worlds`: the world engine as an in-process library. See docs/worlds.md.
 *
 * @example
 * import { createWorld, World } from 'clove/worlds';
 * const world = createWorld('worlds/examples/flaky-api.yaml', { seed: 7 });
 * const bytes = world.snapshot();
 * const fork = World.restore(bytes, { name: 'flaky-api-fork' });
 *
 * @module
 */
export { createWorld, World, DEFAULT_CLOCK_START } from './world.js';
export type { WorldOptions, InjectOptions, ScheduleOptions, WorldSummary, PreparedRestore } from './world.js';
export { parseWorldSource, loadWorldFile, validateWorldDefinition } from './loader.js';
export type { LoadedWorld } from './loader.js';
export { worldSchema, describeError } from './schema.js';
export type {
  WorldDefinition,
  FilesystemDefinition,
  InlineFileDefinition,
  MountDefinition,
  NetworkDefinition,
  NetworkMode,
  RouteDefinition,
  ResponseDefinition,
  LatencyDefinition,
  HttpMethod,
  ClockDefinition,
  ClockMode,
  ScheduledEventDefinition,
  AgentDefaults,
  LlmDefinition,
  LlmRuleDefinition,
  LlmAnswerDefinition,
  LlmMatchDefinition,
  LlmToolCallDefinition,
  LlmFailureKind,
} from './schema.js';
export { WorldLlm } from './llm/world-llm.js';
export type { WorldLlmRequest, WorldLlmAnswer, WorldLlmState, LlmCallEntry, LlmFault } from './llm/world-llm.js';
export { jsonPath, conversationText } from './llm/match.js';
export { WorldClock } from './clock.js';
export type { ClockOptions, WaitOptions } from './clock.js';
export { WorldFs } from './fs/world-fs.js';
export type { WorldStat, FsDiff, SyncResult, WriteOptions, FsCapture, FsLimits } from './fs/world-fs.js';
export type { ReadonlyLayer, LayerEntry, CapturedLayer, CapturedFile } from './fs/layer.js';
export { MemoryLayer } from './fs/memory-layer.js';
export { HostLayer } from './fs/host-layer.js';
export { worldPath } from './fs/path.js';
export { WorldNetwork, hostMatches, fetchPassthrough, PASSTHROUGH_MAX_BYTES } from './network/network.js';
export type { WorldRequest, WorldResponse, RequestLogEntry, NetworkFault, NetworkState, Passthrough, PassthroughRequest, PassthroughResponse } from './network/network.js';
export { WORLD_EVENT_TYPES, isWorldEventType } from './events.js';
export type { TimelineEntry, PendingEvent, WorldEventType } from './events.js';
export { WorldKv } from './kv.js';
export { WorldRandom } from './rng.js';
export type { RandomState } from './rng.js';
export { encodeSnapshot, decodeSnapshot, checkSnapshotHeader, SNAPSHOT_MAGIC, SNAPSHOT_FORMAT_VERSION, SNAPSHOT_HEADER_BYTES } from './snapshot.js';
export type { WorldState, SnapshotLimits } from './snapshot.js';
export { resolveWorldLimits, type WorldLimits } from './limits.js';
export { parseDuration } from './duration.js';
export type { Duration } from './duration.js';
export {
  WorldError,
  WorldSchemaError,
  WorldSnapshotError,
  WorldEventError,
  WorldClosedError,
  WorldRestoredError,
  FsPathEscapeError,
  FsNotFoundError,
  FsError,
  HttpBlockedError,
  HttpFailedError,
  LlmFailedError,
  WorldQuotaError,
  formatSchemaIssue,
} from './errors.js';
export type { SchemaIssue } from './errors.js';
