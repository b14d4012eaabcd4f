/**
 * What the open pages hear: a snapshot of agents and worlds about once a second (at once when an
 * agent starts or ends, or the kernel comes or goes), every kernel event, and the kernel's state.
 * One polling loop serves every page, and it runs only while a page listens.
 */
import type { EventView, KernelLink, KernelView, Snapshot } from './kernel-link.js';

export type FeedMessage = { type: 'snapshot'; snapshot: Snapshot } | { type: 'event'; event: EventView } | { type: 'kernel'; kernel: KernelView };

type Listener = (message: FeedMessage) => void;

const PROMPT_EVENTS = new Set(['AGENT_SPAWNED', 'AGENT_EXITED', 'AGENT_RESTARTED', 'AGENT_GAVE_UP', 'WORLD_EVENT', 'STATE_CHANGED']);

export interface LiveFeedOptions {
  /** Between snapshots; default 1000 ms. */
  intervalMs?: number;
  /** Kernel events kept for pages that open later; default 1000. */
  keepEvents?: number;
}

export class LiveFeed {
  readonly #link: KernelLink;
  readonly #listeners = new Set<Listener>();
  readonly #events: EventView[] = [];
  readonly #intervalMs: number;
  readonly #keep: number;
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  #again = false;
  #last: Snapshot | null = null;

  constructor(link: KernelLink, options: LiveFeedOptions = {}) {
    this.#link = link;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#keep = options.keepEvents ?? 1000;
    link.on('event', (event) => {
      this.#events.push(event);
      if (this.#events.length > this.#keep) this.#events.splice(0, this.#events.length - this.#keep);
      this.#send({ type: 'event', event });
      if (PROMPT_EVENTS.has(event.type)) this.refresh();
    });
    link.on('status', (kernel) => {
      this.#send({ type: 'kernel', kernel });
      this.refresh();
    });
  }

  /** Kernel events seen since the dashboard started (the newest `keepEvents`). */
  get events(): readonly EventView[] {
    return this.#events;
  }

  get last(): Snapshot | null {
    return this.#last;
  }

  /** Adds a listener; returns the function that removes it. The loop runs while anyone listens. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.refresh();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = null;
      }
    };
  }

  /** Takes a snapshot now (or right after the one in flight) and sends it. */
  refresh(): void {
    if (this.#listeners.size === 0) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#busy = true;
    void this.#link
      .snapshot()
      .then((snapshot) => {
        this.#last = snapshot;
        this.#send({ type: 'snapshot', snapshot });
      })
      .catch(() => undefined) // The kernel went away mid-snapshot; the link says so and the next tick retries.
      .finally(() => {
        this.#busy = false;
        if (this.#listeners.size === 0) return;
        if (this.#again) {
          this.#again = false;
          this.refresh();
        } else {
          this.#timer = setTimeout(() => this.refresh(), this.#intervalMs);
          this.#timer.unref();
        }
      });
  }

  #send(message: FeedMessage): void {
    for (const listener of this.#listeners) listener(message);
  }

  close(): void {
    this.#listeners.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
