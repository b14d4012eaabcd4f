import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { RequestHandler } from 'msw';
import { WorldClock, type WaitOptions } from './clock.js';
import { type Duration, durationMs, parseDuration } from './duration.js';
import { toError, WorldClosedError, WorldEventError, WorldRestoredError, WorldSnapshotError } from './errors.js';
import { EventScheduler, isWorldEventType, type PendingEvent, type TimelineEntry } from './events.js';
import { HostLayer } from './fs/host-layer.js';
import type { ReadonlyLayer } from './fs/layer.js';
import { MemoryLayer } from './fs/memory-layer.js';
import { parseMode, worldPath } from './fs/path.js';
import { WorldFs } from './fs/world-fs.js';
import { WorldKv } from './kv.js';
import { WorldLlm } from './llm/world-llm.js';
import { loadWorldFile, validateWorldDefinition, type LoadedWorld } from './loader.js';
import { WorldNetwork, type Passthrough, type RequestLogEntry, type WorldRequest, type WorldResponse } from './network/network.js';
import { WorldRandom } from './rng.js';
import { type AgentDefaults, type LlmFailureKind, validateEventParams, type WorldDefinition } from './schema.js';
import { decodeSnapshot, encodeSnapshot, type WorldState } from './snapshot.js';
import { resolveWorldLimits, type WorldLimits } from './limits.js';

/** Default virtual start time when a world file gives none. */
export const DEFAULT_CLOCK_START = '2026-01-01T00:00:00.000Z';

/** Options of {@link createWorld}, {@link World.restore} and {@link World.fork}; every field is optional. */
export interface WorldOptions {
  /** World name (default: the file's `name`). */
  name?: string;
  /** Seed of every random source (default: the file's `seed`, else 0). Ignored by restore. */
  seed?: number | string;
  /** Extra msw handlers, consulted before the YAML routes. Pass a function to get fresh handlers per world and fork. */
  handlers?: RequestHandler[] | (() => RequestHandler[]);
  /** Called with every timeline entry (same as `world.on('event', ...)`). */
  onEvent?: (event: TimelineEntry) => void;
  /** Directory relative mount paths of a definition object start from (default: the current directory; a file's own directory for paths). */
  baseDir?: string;
  /**
   * Ceilings on what the world holds (a kernel passes its quotas); the world file's `limits:` may
   * only lower them. Default: unlimited.
   */
  limits?: Partial<WorldLimits>;
}

export interface InjectOptions {
  /** A name for the timeline (and for `after` links in the world file). */
  name?: string;
}

export interface ScheduleOptions extends InjectOptions {
  /** Virtual delay from now (default 0). */
  in?: Duration;
  every?: Duration;
  count?: number;
}

/** A short description of a world (WORLD_STATE, `clove world show`). */
export interface WorldSummary {
  name: string;
  seed: string;
  time: string;
  elapsedMs: number;
  clockMode: string;
  files: number;
  pendingEvents: number;
  timelineLength: number;
  requests: number;
  agents: Array<{ agent: string; blocked: boolean }>;
}

/** An in-place restore built but not applied yet; see {@link World.prepareRestore}. */
export interface PreparedRestore {
  /** The snapshot's filesystem (materialise it to check the disk work before committing). */
  readonly fs: WorldFs;
  /** Swaps the world to the snapshot's state; cannot fail (unless the world was closed meanwhile). */
  commit(): void;
  /** Drops the prepared state; the world is untouched. */
  discard(): void;
}

interface WorldEvents {
  event: [TimelineEntry];
  error: [Error];
}

/** The parts of a world an in-place restore swaps at once. */
interface Parts {
  clock: WorldClock;
  fs: WorldFs;
  network: WorldNetwork;
  kv: WorldKv;
  random: WorldRandom;
  eventsRandom: WorldRandom;
  scheduler: EventScheduler;
  timeline: TimelineEntry[];
  llm: WorldLlm;
  /** seq of the next timeline entry (entries past the limit are dropped, numbers go on). */
  nextSeq: number;
  /** Chained sha256 over every entry ever fired (dropped ones included): the timeline's part of stateHash. */
  timelineDigest: string;
}

/** Extends a timeline digest by one entry. */
function chainDigest(digest: string, entry: TimelineEntry): string {
  return createHash('sha256').update(digest).update(JSON.stringify(canonical(entry))).digest('hex');
}

/** A schedule option as milliseconds; bad input is the caller's (WorldEventError, EVENT_TYPE_INVALID), never a crash. */
function scheduleDuration(type: string, value: unknown, option: string): number {
  const ms = parseDuration(value);
  if (ms === null) {
    throw new WorldEventError(type, `${option} must be a duration (milliseconds, or a string like "30s", "5m", "1h30m"), got ${JSON.stringify(value)}`);
  }
  return ms;
}

function seedString(seed: number | string | undefined): string {
  return String(seed ?? 0);
}

function lowerLayers(loaded: LoadedWorld): ReadonlyLayer[] {
  const fs = loaded.definition.filesystem ?? {};
  const inline = new MemoryLayer('inline');
  for (const dir of fs.directories ?? []) inline.addDir(worldPath(dir));
  for (const file of fs.files ?? []) {
    const content = Buffer.from(file.content ?? '', file.encoding === 'base64' ? 'base64' : 'utf8');
    inline.addFile(worldPath(file.path), parseMode(file.mode, 0o644), content);
  }
  const mounts = (fs.mounts ?? []).map((m) => new HostLayer(resolve(loaded.baseDir, m.host), worldPath(m.at))).reverse();
  return [inline, ...mounts];
}

function canonical(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `base64:${Buffer.from(value).toString('base64')}`;
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/**
 * A world: layered filesystem, mocked network, virtual clock, events, key-value state and seeded
 * randomness, with snapshot/restore. Create one with {@link createWorld}.
 *
 * @example
 * const world = createWorld('worlds/examples/flaky-api.yaml', { seed: 7 });
 * world.fs.writeFile('/project/notes.md', 'hi');
 * const res = await world.fetch({ url: 'https://api.example.com/items' });
 * const bytes = world.snapshot();
 * const fork = World.restore(bytes, { name: 'flaky-api-2' });
 */
export class World {
  #name: string;
  readonly seed: string;
  readonly definition: WorldDefinition;
  readonly #emitter = new EventEmitter<WorldEvents>();
  readonly #options: WorldOptions;
  #parts: Parts;
  #inTimer = false;
  #closed = false;
  readonly #limits: WorldLimits;
  /** Tree hash by filesystem version: WORLD_LIST does not rehash an unchanged tree. */
  #treeHash: { fs: WorldFs; version: number; hash: string } | null = null;

  private constructor(name: string, seed: string, definition: WorldDefinition, options: WorldOptions, build: (world: World) => Parts) {
    this.#name = name;
    this.seed = seed;
    this.definition = definition;
    this.#options = options;
    this.#limits = resolveWorldLimits(definition.limits, options.limits);
    if (options.onEvent !== undefined) this.#emitter.on('event', options.onEvent);
    this.#parts = build(this);
  }

  /** @internal Use {@link createWorld}. */
  static fromLoaded(loaded: LoadedWorld, options: WorldOptions = {}): World {
    const definition = loaded.definition;
    const seed = seedString(options.seed ?? definition.seed);
    const name = options.name ?? definition.name;
    const lowers = lowerLayers(loaded);
    return new World(name, seed, definition, options, (world) => {
      const start = Date.parse(definition.clock?.start ?? DEFAULT_CLOCK_START);
      const parts = world.#buildParts({
        clock: { start, now: start, mode: definition.clock?.mode ?? 'discrete', factor: definition.clock?.factor ?? 1 },
        fs: new WorldFs(lowers, undefined, world.#limits),
      });
      parts.scheduler.armDefinitions();
      return parts;
    });
  }

  /**
   * Recreates a world from snapshot bytes as a new, independent world (a fork when `name` differs).
   * Throws `WorldSnapshotError` (WORLD_SNAPSHOT_INVALID) for corrupt, truncated or foreign bytes.
   * File contents stay views into `bytes` (nothing is copied): do not modify `bytes` afterwards.
   */
  static restore(bytes: Uint8Array, options: Omit<WorldOptions, 'seed'> = {}): World {
    return World.fromState(decodeSnapshot(bytes, options.limits), options);
  }

  /** @internal Builds a world from a decoded state (restore and fork). */
  static fromState(state: WorldState, options: Omit<WorldOptions, 'seed'> = {}): World {
    try {
      return new World(options.name ?? state.name, state.seed, state.definition, options, (world) => world.#partsFromState(state));
    } catch (error) {
      if (error instanceof WorldSnapshotError) throw error;
      throw new WorldSnapshotError(`its content is inconsistent (${toError(error).message})`, { cause: error });
    }
  }

  get name(): string {
    return this.#name;
  }

  get fs(): WorldFs {
    return this.#parts.fs;
  }

  get clock(): WorldClock {
    return this.#parts.clock;
  }

  get network(): WorldNetwork {
    return this.#parts.network;
  }

  /** World-scoped key-value state (part of snapshots). */
  get kv(): WorldKv {
    return this.#parts.kv;
  }

  /** The world's LLM: scripted answers to its agents' THINK calls, and the log of what was asked. */
  get llm(): WorldLlm {
    return this.#parts.llm;
  }

  /** The world's seeded random source for agents and scenarios (the network and events have their own streams). */
  get random(): WorldRandom {
    return this.#parts.random;
  }

  /** Everything that happened, in order. */
  get timeline(): readonly TimelineEntry[] {
    return this.#parts.timeline;
  }

  get requestLog(): readonly RequestLogEntry[] {
    return this.#parts.network.requestLog;
  }

  /** Defaults for agents that join (limits, permissions) from the world file. */
  get agentDefaults(): AgentDefaults {
    return structuredClone(this.definition.agents ?? {});
  }

  /** Virtual time, epoch milliseconds. */
  now(): number {
    return this.#parts.clock.now();
  }

  /** Sleeps on the world clock; with `agent`, that agent counts as blocked meanwhile (discrete mode). */
  sleep(ms: number, options?: WaitOptions): Promise<void> {
    return this.#parts.clock.sleep(ms, options);
  }

  /** HTTP inside the world (mocks, faults, latency on the world clock). See {@link WorldNetwork.fetch}. */
  fetch(request: WorldRequest | Request, options?: { agent?: string | number; signal?: AbortSignal; passthrough?: Passthrough }): Promise<WorldResponse> {
    return this.#parts.network.fetch(request, options);
  }

  agentJoined(agent: string | number): void {
    this.#parts.clock.agentJoined(agent);
  }

  agentLeft(agent: string | number): void {
    this.#parts.clock.agentLeft(agent);
  }

  agentBlocked(agent: string | number): void {
    this.#parts.clock.agentBlocked(agent);
  }

  agentUnblocked(agent: string | number): void {
    this.#parts.clock.agentUnblocked(agent);
  }

  /** Subscribes to timeline entries (`event`) or to errors thrown by listeners (`error`). */
  on<K extends keyof WorldEvents>(name: K, listener: (...args: WorldEvents[K]) => void): this {
    this.#emitter.on(name, listener as never);
    return this;
  }

  off<K extends keyof WorldEvents>(name: K, listener: (...args: WorldEvents[K]) => void): this {
    this.#emitter.off(name, listener as never);
    return this;
  }

  /**
   * Fires an event now: applies its effect, appends it to the timeline and notifies listeners.
   * `agent.kill` and `agent.pause` have no effect inside the world: the kernel acts on them from
   * its `event` listener. Throws `WorldEventError` (EVENT_TYPE_INVALID) for bad types or params.
   *
   * @example
   * world.inject('network.outage', { duration: '30s' });
   * world.inject('fs.corrupt', { path: '/data/input.csv', mode: 'garbage' });
   */
  inject(type: string, params: Record<string, unknown> = {}, options: InjectOptions = {}): TimelineEntry {
    this.#checkEvent(type, params);
    if (options.name !== undefined) this.#parts.scheduler.armFollowUps(options.name);
    return this.#fire({ type, params, name: options.name ?? null, source: 'injected' });
  }

  /**
   * Writes what happened outside the world's own events into its timeline (source `kernel`, no
   * effect): the kernel records `agent.exited` with the agent's end reason this way.
   */
  record(type: string, params: Record<string, unknown> = {}): TimelineEntry {
    const p = this.#parts;
    const entry: TimelineEntry = {
      seq: p.nextSeq++,
      time: p.clock.now(),
      elapsed: p.clock.elapsed(),
      type,
      params: structuredClone(params),
      source: 'kernel',
      name: null,
      note: null,
    };
    this.#append(entry);
    try {
      if (this.#emitter.listenerCount('event') > 0) this.#emitter.emit('event', structuredClone(entry));
    } catch (error) {
      this.#reportError(toError(error));
    }
    return entry;
  }

  /** Schedules an event on the world clock; returns its id (for {@link cancelEvent}). */
  schedule(type: string, params: Record<string, unknown> = {}, options: ScheduleOptions = {}): number {
    this.#checkEvent(type, params);
    const every = options.every === undefined ? null : scheduleDuration(type, options.every, 'every');
    if (every === 0) throw new WorldEventError(type, 'every must be greater than 0');
    const delay = options.in === undefined ? 0 : scheduleDuration(type, options.in, 'in');
    return this.#parts.scheduler.add({
      at: this.now() + delay,
      type,
      params: structuredClone(params),
      name: options.name ?? null,
      source: 'injected',
      every,
      remaining: every === null ? null : (options.count ?? null),
    });
  }

  cancelEvent(id: number): boolean {
    return this.#parts.scheduler.cancel(id);
  }

  /** Events waiting on the clock, in firing order. */
  pendingEvents(): PendingEvent[] {
    return this.#parts.scheduler.pending();
  }

  /** What the world may hold (its file's `limits:` under the ceilings it was given). */
  get limits(): Readonly<WorldLimits> {
    return this.#limits;
  }

  /** Timeline entries dropped because the timeline was full. */
  get timelineDropped(): number {
    const p = this.#parts;
    return p.nextSeq - 1 - p.timeline.length;
  }

  /** The state minus the filesystem capture (for hashing: the tree is hashed on its own). */
  #stateWithoutFs(): Omit<WorldState, 'fs'> & { fs?: undefined } {
    const p = this.#parts;
    return {
      name: this.#name,
      seed: this.seed,
      definition: this.definition,
      clock: { start: p.clock.start, mode: p.clock.mode, factor: p.clock.factor, now: p.clock.now() },
      random: p.random.state(),
      eventsRandom: p.eventsRandom.state(),
      kv: p.kv.entries(),
      network: p.network.state(),
      events: p.scheduler.state(),
      timeline: p.timeline as TimelineEntry[],
    };
  }

  /** The whole world as plain data (shares file buffers; treat as read-only). */
  state(): WorldState {
    const p = this.#parts;
    const { filesystem, ...definition } = this.definition;
    return {
      name: this.#name,
      seed: this.seed,
      // Inline files are in fs.lowers already; keeping them twice would double the snapshot.
      definition: filesystem === undefined ? definition : { ...definition, filesystem: { ...filesystem, files: [] } },
      clock: { start: p.clock.start, mode: p.clock.mode, factor: p.clock.factor, now: p.clock.now() },
      random: p.random.state(),
      eventsRandom: p.eventsRandom.state(),
      kv: p.kv.entries(),
      network: p.network.state(),
      events: p.scheduler.state(),
      timeline: structuredClone(p.timeline),
      timelineDigest: p.timelineDigest,
      fs: p.fs.capture(),
      llm: p.llm.state(),
    };
  }

  /**
   * The whole world in one buffer (see docs/worlds.md#snapshots for the format). Running processes
   * and in-flight sleeps or requests are not captured.
   */
  snapshot(): Buffer {
    return encodeSnapshot(this.state());
  }

  /**
   * Replaces this world's state with a snapshot's, keeping its name, listeners and joined agents.
   * Same as `prepareRestore(bytes).commit()`. On invalid bytes nothing changes.
   */
  restoreFrom(bytes: Uint8Array): void {
    this.prepareRestore(bytes).commit();
  }

  /**
   * The first half of an in-place restore: decodes and builds the snapshot's state without touching
   * this world (its clock is held, so nothing fires). Do any other work that can fail (the kernel
   * rewrites the world's tree on disk from `prepared.fs`), then `commit()` (cannot fail) or
   * `discard()`. Throws `WorldSnapshotError` (WORLD_SNAPSHOT_INVALID) for bad bytes: nothing changed.
   *
   * On commit, agents joined to the world stay joined (blocked ones stay blocked); their pending
   * sleeps and requests on the old clock end with `WorldRestoredError` (WORLD_RESTORED).
   *
   * @example
   * const prepared = world.prepareRestore(bytes);
   * try { await prepared.fs.materialise(stagingDir); } catch (e) { prepared.discard(); throw e; }
   * prepared.commit();
   */
  prepareRestore(bytes: Uint8Array): PreparedRestore {
    if (this.#closed) throw new WorldClosedError(this.#name, 'is closed');
    const state = decodeSnapshot(bytes, this.#limits);
    let parts: Parts;
    try {
      parts = this.#partsFromState(state, true);
    } catch (error) {
      throw new WorldSnapshotError(`its content is inconsistent (${toError(error).message})`, { cause: error });
    }
    let settled = false;
    const settle = (): void => {
      if (settled) throw new Error('this prepared restore was committed or discarded already');
      settled = true;
    };
    return {
      fs: parts.fs,
      commit: () => {
        settle();
        if (this.#closed) {
          parts.clock.close();
          throw new WorldClosedError(this.#name, 'was closed before the restore was committed');
        }
        const old = this.#parts;
        for (const { agent, blocks } of old.clock.handover()) {
          parts.clock.agentJoined(agent);
          for (let i = 0; i < blocks; i++) parts.clock.agentBlocked(agent);
        }
        this.#parts = parts;
        old.clock.close(new WorldRestoredError(this.#name));
        parts.clock.release();
      },
      discard: () => {
        settle();
        parts.clock.close();
      },
    };
  }

  /** An independent copy of this world under a new name (no encoding round trip). */
  fork(name: string, options: Omit<WorldOptions, 'seed' | 'name'> = {}): World {
    return World.fromState(this.state(), { handlers: this.#options.handlers, ...options, name });
  }

  /** sha256 over files, clock, random states, kv, network state, pending events and timeline. Names are not included. */
  stateHash(): string {
    // The timeline enters by its chained digest: hashing stays cheap however long the world has run.
    const { name: _name, fs: _fs, definition: _definition, timeline: _timeline, ...rest } = this.#stateWithoutFs();
    const fs = this.fs;
    if (this.#treeHash?.fs !== fs || this.#treeHash.version !== fs.version) this.#treeHash = { fs, version: fs.version, hash: fs.treeHash() };
    return createHash('sha256').update(this.#treeHash.hash).update(JSON.stringify(canonical(rest))).update(this.#parts.timelineDigest).digest('hex');
  }

  /** The timeline as canonical JSON lines: equal runs give byte-identical output. */
  timelineBytes(): Buffer {
    return Buffer.from(this.#parts.timeline.map((e) => `${JSON.stringify(canonical(e))}\n`).join(''));
  }

  describe(): WorldSummary {
    const p = this.#parts;
    return {
      name: this.#name,
      seed: this.seed,
      time: p.clock.iso(),
      elapsedMs: p.clock.elapsed(),
      clockMode: p.clock.mode,
      files: p.fs.fileCount(),
      pendingEvents: p.scheduler.pending().length,
      timelineLength: p.timeline.length,
      requests: p.network.requestLog.length,
      agents: p.clock.agents(),
    };
  }

  /** Stops the clock's pump and cancels pending waits (WORLD_CLOSED). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#parts.clock.close();
    this.#emitter.removeAllListeners();
  }

  #partsFromState(state: WorldState, held = false): Parts {
    return this.#buildParts({
      clock: { ...state.clock, held },
      fs: WorldFs.fromCapture(state.fs),
      state,
    });
  }

  #buildParts(input: { clock: WorldState['clock'] & { held?: boolean }; fs: WorldFs; state?: WorldState }): Parts {
    const { state } = input;
    const clock = new WorldClock({ ...input.clock, name: this.#name, onError: (e) => this.#reportError(e) });
    input.fs.limits = this.#limits;
    const parts: Parts = {
      clock,
      fs: input.fs,
      network: new WorldNetwork({
        definition: this.definition.network,
        clock,
        seed: `${this.seed}:network`,
        maxLog: this.#limits.requestLogEntries,
        ...(this.#options.handlers === undefined ? {} : { handlers: this.#options.handlers }),
        ...(state === undefined ? {} : { state: state.network }),
      }),
      kv: new WorldKv(),
      random: state ? WorldRandom.fromState(state.random) : new WorldRandom(this.seed),
      eventsRandom: state ? WorldRandom.fromState(state.eventsRandom) : new WorldRandom(`${this.seed}:events`),
      scheduler: undefined as unknown as EventScheduler,
      timeline: state ? structuredClone(state.timeline) : [],
      llm: new WorldLlm({ definition: this.definition.llm, clock, seed: `${this.seed}:llm`, world: this.#name, ...(state?.llm ? { state: state.llm } : {}) }),
      nextSeq: state && state.timeline.length > 0 ? state.timeline[state.timeline.length - 1]!.seq + 1 : 1,
      timelineDigest: typeof state?.timelineDigest === 'string' ? state.timelineDigest : (state?.timeline ?? []).reduce(chainDigest, ''),
    };
    if (state) parts.kv.load(state.kv);
    parts.scheduler = new EventScheduler(
      clock,
      this.definition.events ?? [],
      (event) => {
        if (this.#parts !== parts) return;
        this.#inTimer = true;
        try {
          this.#fire(event);
        } catch (error) {
          this.#reportError(toError(error));
        } finally {
          this.#inTimer = false;
        }
      },
      state?.events,
    );
    return parts;
  }

  #checkEvent(type: string, params: Record<string, unknown>): void {
    if (!isWorldEventType(type)) throw new WorldEventError(type, 'the type is unknown');
    const problems = validateEventParams(type, params);
    if (problems.length > 0) throw new WorldEventError(type, `params ${problems.join('; ')}`);
  }

  #fire(event: Pick<PendingEvent, 'type' | 'params' | 'name' | 'source'>): TimelineEntry {
    const p = this.#parts;
    const entry: TimelineEntry = {
      seq: p.nextSeq++,
      time: p.clock.now(),
      elapsed: p.clock.elapsed(),
      type: event.type,
      params: structuredClone(event.params),
      source: event.source,
      name: event.name,
      note: null,
    };
    let then: (() => void) | undefined;
    try {
      const applied = this.#apply(entry);
      entry.note = applied.note;
      then = applied.then;
    } catch (error) {
      entry.note = `failed: ${toError(error).message}`;
    }
    // The entry is in the timeline (and told) before anything it causes: a clock.jump is listed
    // before the events its jump fires, each with the next sequence number.
    this.#append(entry);
    try {
      if (this.#emitter.listenerCount('event') > 0) this.#emitter.emit('event', structuredClone(entry));
    } catch (error) {
      this.#reportError(toError(error));
    }
    if (then !== undefined) {
      // Inside a timer callback the clock is mid-step: act right after it.
      if (this.#inTimer) queueMicrotask(then);
      else then();
    }
    return entry;
  }

  /** Adds an entry to the timeline, a ring: past the limit the oldest entries go (in batches, so a push stays O(1) on average). */
  #append(entry: TimelineEntry): void {
    const p = this.#parts;
    p.timeline.push(entry);
    p.timelineDigest = chainDigest(p.timelineDigest, entry);
    const max = this.#limits.timelineEntries;
    if (p.timeline.length > max) p.timeline.splice(0, p.timeline.length - max + Math.min(Math.floor(max / 10), 1000));
  }

  #reportError(error: Error): void {
    if (this.#emitter.listenerCount('error') > 0) this.#emitter.emit('error', error);
  }

  /** Applies an event's effect on the world; returns a note for the timeline and what to do once it is listed. */
  #apply(entry: TimelineEntry): { note: string | null; then?: () => void } {
    const note = this.#effect(entry);
    return typeof note === 'object' && note !== null ? note : { note };
  }

  #effect(entry: TimelineEntry): string | null | { note: string; then: () => void } {
    const p = this.#parts;
    const params = entry.params;
    const duration = params.duration === undefined ? null : parseDuration(params.duration);
    const until = duration === null ? null : entry.time + duration;
    const hosts = Array.isArray(params.hosts) ? (params.hosts as string[]) : null;
    switch (entry.type) {
      case 'network.outage':
        p.network.addFault({ kind: 'outage', until, hosts, ...(typeof params.status === 'number' ? { status: params.status } : {}) });
        return until === null ? 'network down until further notice' : `network down until ${new Date(until).toISOString()}`;
      case 'network.latency':
        p.network.addFault({ kind: 'latency', until, hosts, latencyMs: Number(params.latency_ms) });
        return `+${Number(params.latency_ms)} ms per request${until === null ? '' : ` until ${new Date(until).toISOString()}`}`;
      case 'network.error':
        p.network.addFault({ kind: 'error', until, hosts, status: Number(params.status), rate: params.rate === undefined ? 1 : Number(params.rate) });
        return `requests answer ${Number(params.status)}${params.rate === undefined ? '' : ` with probability ${Number(params.rate)}`}`;
      case 'llm.outage':
        p.llm.addFault({ kind: 'outage', until, ...(typeof params.kind === 'string' ? { failure: params.kind as LlmFailureKind } : {}) });
        return until === null ? 'LLM down until further notice' : `LLM down until ${new Date(until).toISOString()}`;
      case 'llm.error_rate':
        p.llm.addFault({ kind: 'error_rate', until, rate: Number(params.rate), failure: (params.kind as LlmFailureKind | undefined) ?? 'rate_limit' });
        return `LLM calls fail (${String(params.kind ?? 'rate_limit')}) with probability ${Number(params.rate)}${until === null ? '' : ` until ${new Date(until).toISOString()}`}`;
      case 'llm.latency':
        p.llm.addFault({ kind: 'latency', until, latencyMs: Number(params.latency_ms) });
        return `+${Number(params.latency_ms)} ms per LLM call${until === null ? '' : ` until ${new Date(until).toISOString()}`}`;
      case 'fs.write': {
        const mode = params.mode === undefined ? undefined : parseMode(params.mode as number | string, 0o644);
        p.fs.writeFile(String(params.path), String(params.content ?? ''), { parents: true, append: params.append === true, ...(mode === undefined ? {} : { mode }) });
        return `wrote ${String(params.path)}`;
      }
      case 'fs.refused':
        return `left out of the world: ${String(params.reason)}`;
      case 'fs.corrupt':
        return this.#corrupt(String(params.path), String(params.mode ?? 'truncate'), typeof params.length === 'number' ? params.length : undefined);
      case 'clock.jump': {
        const by = durationMs(params.by, 'clock.jump by');
        return { note: `clock moved forward ${by} ms`, then: () => p.clock.jump(by) };
      }
      case 'agent.kill':
      case 'agent.pause':
        return `delivered to listeners (${this.#emitter.listenerCount('event')})`;
      default:
        return null;
    }
  }

  #corrupt(path: string, mode: string, length: number | undefined): string {
    const fs = this.#parts.fs;
    if (!fs.exists(path) || fs.stat(path).type !== 'file') return `skipped: ${path} is not a file`;
    const content = fs.readFile(path);
    if (mode === 'delete') {
      fs.unlink(path);
      return `deleted ${path}`;
    }
    if (mode === 'garbage') {
      const n = content.length === 0 ? (length ?? 16) : Math.min(length ?? content.length, content.length);
      const garbage = this.#parts.eventsRandom.bytes(n);
      fs.writeFile(path, content.length === 0 ? garbage : Buffer.concat([garbage, content.subarray(n)]));
      return `overwrote ${n} bytes of ${path} with seeded garbage`;
    }
    const keep = Math.min(length ?? Math.floor(content.length / 2), content.length);
    fs.writeFile(path, content.subarray(0, keep));
    return `truncated ${path} to ${keep} bytes`;
  }
}

/**
 * Creates a world from a world file path or a definition object (validated either way).
 * Throws `WorldSchemaError` (WORLD_SCHEMA_INVALID) listing every problem.
 *
 * @example
 * const world = createWorld('worlds/examples/outage.yaml', { name: 'outage-1', seed: 3 });
 * await world.clock.advance(31_000);
 * world.timeline[0]?.type; // 'network.outage'
 */
export function createWorld(source: string | WorldDefinition, options: WorldOptions = {}): World {
  const loaded = typeof source === 'string' ? loadWorldFile(source) : validateWorldDefinition(source, options.baseDir === undefined ? {} : { baseDir: options.baseDir });
  return World.fromLoaded(loaded, options);
}
