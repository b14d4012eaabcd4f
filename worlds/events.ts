import type { WorldTimelineEntry } from '../sdk/types.js';
import type { ClockTimer, WorldClock } from './clock.js';
import { parseDuration } from './duration.js';
import type { ScheduledEventDefinition } from './schema.js';

/** Event types with an effect the world applies or delivers; `custom` and `custom.*` are free-form. */
export const WORLD_EVENT_TYPES = [
  'network.outage',
  'network.latency',
  'network.error',
  'fs.corrupt',
  'fs.write',
  'fs.refused',
  'agent.kill',
  'agent.pause',
  'clock.jump',
  'llm.outage',
  'llm.error_rate',
  'llm.latency',
  'custom',
] as const;

export type WorldEventType = (typeof WORLD_EVENT_TYPES)[number] | `custom.${string}`;

export function isWorldEventType(type: string): type is WorldEventType {
  return (WORLD_EVENT_TYPES as readonly string[]).includes(type) || /^custom\..+/.test(type);
}

/** One entry of a world's timeline; the shape is the wire's (sdk/types.ts), which the SDKs share. */
export type TimelineEntry = WorldTimelineEntry;

/** An event waiting on the world clock. Plain data: it is part of snapshots. */
export interface PendingEvent {
  id: number;
  /** Virtual time it fires, epoch milliseconds. */
  at: number;
  type: string;
  params: Record<string, unknown>;
  name: string | null;
  source: 'scheduled' | 'injected';
  /** Repeat period in ms, or null. */
  every: number | null;
  /** Firings left including this one (with every), null for unlimited. */
  remaining: number | null;
}

export interface SchedulerState {
  pending: PendingEvent[];
  nextId: number;
}

/**
 * Keeps a world's pending events on its clock as plain data, so they can be snapshotted and
 * re-armed on restore. Handles `every` repeats and `after` chains from the world file.
 */
export class EventScheduler {
  readonly #clock: WorldClock;
  readonly #definitions: readonly ScheduledEventDefinition[];
  readonly #fire: (event: PendingEvent) => void;
  readonly #pending = new Map<number, { event: PendingEvent; timer: ClockTimer }>();
  #nextId: number;

  constructor(clock: WorldClock, definitions: readonly ScheduledEventDefinition[], fire: (event: PendingEvent) => void, state?: SchedulerState) {
    this.#clock = clock;
    this.#definitions = definitions;
    this.#fire = fire;
    this.#nextId = state?.nextId ?? 1;
    if (state !== undefined) {
      for (const event of [...state.pending].sort((a, b) => a.at - b.at || a.id - b.id)) this.#arm(event);
    }
  }

  /** Arms the world file's events that are not `after` another one, relative to the clock's start. */
  armDefinitions(): void {
    for (const def of this.#definitions) {
      if (def.after !== undefined) continue;
      const every = def.every === undefined ? null : parseDuration(def.every);
      const offset = def.at !== undefined ? (parseDuration(def.at) ?? 0) : (every ?? 0);
      this.add({
        at: this.#clock.start + offset,
        type: def.type,
        params: def.params ?? {},
        name: def.name ?? null,
        source: 'scheduled',
        every,
        remaining: every === null ? null : (def.count ?? null),
      });
    }
  }

  /** Adds a pending event; returns its id. */
  add(event: Omit<PendingEvent, 'id'>): number {
    const id = this.#nextId++;
    this.#arm({ id, ...event });
    return id;
  }

  /** Cancels a pending event; returns whether it was pending. */
  cancel(id: number): boolean {
    const found = this.#pending.get(id);
    if (found === undefined) return false;
    this.#clock.cancel(found.timer);
    this.#pending.delete(id);
    return true;
  }

  /** Pending events in firing order. */
  pending(): PendingEvent[] {
    return [...this.#pending.values()].map((p) => structuredClone(p.event)).sort((a, b) => a.at - b.at || a.id - b.id);
  }

  state(): SchedulerState {
    return { pending: this.pending(), nextId: this.#nextId };
  }

  #arm(event: PendingEvent): void {
    const timer = this.#clock.schedule(event.at - this.#clock.now(), () => this.#onTimer(event.id));
    this.#pending.set(event.id, { event, timer });
  }

  #onTimer(id: number): void {
    const found = this.#pending.get(id);
    if (found === undefined) return;
    this.#pending.delete(id);
    const { event } = found;
    if (event.every !== null && (event.remaining === null || event.remaining > 1)) {
      this.add({ ...event, at: event.at + event.every, remaining: event.remaining === null ? null : event.remaining - 1 });
    }
    if (event.name !== null) this.armFollowUps(event.name);
    this.#fire(event);
  }

  /** Arms the world file's events declared `after: <name>` (called when an event of that name fires). */
  armFollowUps(name: string): void {
    for (const def of this.#definitions) {
      if (def.after !== name) continue;
      this.add({
        at: this.#clock.now() + (parseDuration(def.delay ?? 0) ?? 0),
        type: def.type,
        params: def.params ?? {},
        name: def.name ?? null,
        source: 'scheduled',
        every: null,
        remaining: null,
      });
    }
  }
}
