import FakeTimers from '@sinonjs/fake-timers';
import { toError, WorldClosedError } from './errors.js';
import type { ClockMode } from './schema.js';

/** How a {@link WorldClock} runs; see docs/worlds.md#clock. */
export interface ClockOptions {
  /** Virtual start time, epoch milliseconds. */
  start: number;
  /** `discrete` (default): time moves only when everyone in the world waits. */
  mode?: ClockMode;
  /** Speed of `scaled` mode (virtual ms per wall ms). Default 1. */
  factor?: number;
  /** Virtual time to resume at (a restored snapshot); defaults to `start`. */
  now?: number;
  /** World name, for messages. */
  name?: string;
  /** Called with anything a timer callback throws while the clock advances by itself. */
  onError?: (error: Error) => void;
  /** Realtime/scaled: do not run until {@link release} (a prepared in-place restore waits to be committed). */
  held?: boolean;
}

/** Who waits: an agent id (counts for discrete-mode blocking) or nobody in particular (the driver). */
export interface WaitOptions {
  agent?: string | number;
  signal?: AbortSignal;
}

/** Opaque handle of a timer scheduled with {@link WorldClock.schedule}. */
/** Longest single timer delay (a longer one overflows to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type ClockTimer = ReturnType<FakeTimers.Clock['setTimeout']>;

/** Wall-clock period of the realtime/scaled pump. */
const PUMP_INTERVAL_MS = 10;

/** Timers fired back to back at most before the clock yields to the event loop. */
const YIELD_EVERY = 1_000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A world's clock: an independent `@sinonjs/fake-timers` clock (nothing global is faked).
 *
 * - `realtime` / `scaled`: virtual time follows wall time (×factor), pumped every 10 ms.
 * - `discrete`: virtual time stands still until every participant waits. Participants are the
 *   agents that joined (see {@link agentJoined}) plus anyone awaiting {@link sleep} without an
 *   agent. When at least one waits and no joined agent is running, the clock jumps to the next
 *   timer, fires it, yields to the event loop, and checks again.
 *
 * @example
 * const clock = new WorldClock({ start: Date.parse('2026-01-01T00:00:00Z'), mode: 'discrete' });
 * await clock.sleep(60_000);  // returns at once: nobody else is running, so time jumps
 * clock.elapsed();            // 60000
 */
export class WorldClock {
  readonly start: number;
  readonly mode: ClockMode;
  readonly factor: number;
  readonly #name: string;
  readonly #onError: (error: Error) => void;
  readonly #fake: FakeTimers.Clock;
  /** Joined agents and how many waits each has in progress (0 = running). */
  readonly #agents = new Map<string, number>();
  /** Of those, the blocks held by waits on this clock (sleep, waitFor). */
  readonly #waitBlocks = new Map<string, number>();
  #blockedAgents = 0;
  #anonymousWaits = 0;
  #stepping = false;
  /** Set when a timer woke a waiter: its continuation must run before time moves on. */
  #woke = false;
  #busy = false;
  #closed = false;
  #held = false;
  #pump: NodeJS.Timeout | undefined;
  #lastWall = 0;
  #carry = 0;
  readonly #cancels = new Set<(error: Error) => void>();

  constructor(options: ClockOptions) {
    this.start = options.start;
    this.mode = options.mode ?? 'discrete';
    this.factor = this.mode === 'realtime' ? 1 : (options.factor ?? 1);
    this.#name = options.name ?? 'world';
    this.#onError = options.onError ?? (() => {});
    this.#fake = FakeTimers.createClock(options.now ?? options.start, 1_000_000);
    this.#held = options.held === true;
    if (this.mode !== 'discrete' && !this.#held) this.#startPump();
  }

  /** Starts a clock made with `held: true` (no-op otherwise). */
  release(): void {
    if (!this.#held || this.#closed) return;
    this.#held = false;
    if (this.mode !== 'discrete') this.#startPump();
    this.#kick();
  }

  /** Virtual time, epoch milliseconds. */
  now(): number {
    return this.#fake.now;
  }

  /** Virtual milliseconds since the world's start time. */
  elapsed(): number {
    return this.#fake.now - this.start;
  }

  /** Virtual time as an ISO 8601 string. */
  iso(): string {
    return new Date(this.#fake.now).toISOString();
  }

  /** Number of pending timers (sleeps, scheduled events, in-flight latency). */
  pendingTimers(): number {
    return this.#fake.countTimers();
  }

  /** Runs `callback` after `delayMs` of virtual time. For the world's own jobs. */
  schedule(delayMs: number, callback: () => void): ClockTimer {
    const timer = this.#fake.setTimeout(callback, Math.max(0, delayMs));
    this.#kick();
    return timer;
  }

  cancel(timer: ClockTimer): void {
    this.#fake.clearTimeout(timer);
  }

  /**
   * Resolves after `ms` of virtual time. With `agent`, the agent counts as blocked while it sleeps
   * (discrete mode), so the kernel needs no separate agentBlocked/agentUnblocked for SLEEP.
   *
   * @example
   * await world.clock.sleep(5_000, { agent: 'worker-1' });
   */
  sleep(ms: number, options: WaitOptions = {}): Promise<void> {
    return this.waitFor((resolve) => {
      // Chained below 2^31 ms: a longer timer fires after 1 ms, as in Node.
      let timer: ClockTimer;
      const arm = (left: number) => {
        const step = Math.min(left, MAX_TIMER_MS);
        timer = this.#fake.setTimeout(() => (left > step ? arm(left - step) : resolve()), step);
      };
      arm(Math.max(0, ms));
      return () => this.#fake.clearTimeout(timer);
    }, options);
  }

  /**
   * Counts the caller as waiting while `start` runs to completion, like {@link sleep} does.
   * `start` receives `done` and returns a cleanup run on abort or close.
   */
  waitFor(start: (done: () => void) => () => void, options: WaitOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new WorldClosedError(this.#name, 'is closed'));
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    return new Promise<void>((resolve, reject) => {
      const release = this.#block(options.agent);
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        this.#woke = true;
        cleanup();
        this.#cancels.delete(cancel);
        if (this.#cancels.size === 0) this.#pump?.unref();
        options.signal?.removeEventListener('abort', onAbort);
        release();
        if (error === undefined) resolve();
        else reject(error);
      };
      const cancel = (error: Error): void => finish(error);
      const onAbort = (): void => finish(options.signal?.reason);
      const cleanup = start(() => finish());
      this.#cancels.add(cancel);
      // A realtime/scaled sleep keeps the process alive like a real timer would.
      this.#pump?.ref();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#kick();
    });
  }

  /** Advances virtual time by `ms`, firing due timers in order and letting promise callbacks run between them. */
  async advance(ms: number): Promise<void> {
    this.#busy = true;
    try {
      await this.#fake.tickAsync(Math.max(0, ms));
    } finally {
      this.#busy = false;
      this.#kick();
    }
  }

  /**
   * Fires timers one after another (jumping time to each) until none is left, or `maxTimers` fired,
   * or the next one lies beyond `until` (virtual ms since start). Returns how many fired.
   */
  async runUntilIdle(options: { maxTimers?: number; until?: number } = {}): Promise<number> {
    const maxTimers = options.maxTimers ?? 1_000_000;
    let fired = 0;
    this.#busy = true;
    try {
      if (options.until !== undefined) {
        const remaining = this.start + options.until - this.#fake.now;
        const before = this.#fake.countTimers();
        if (remaining > 0) await this.#fake.tickAsync(remaining);
        return Math.max(0, before - this.#fake.countTimers());
      }
      while (fired < maxTimers && !this.#closed && this.#fake.countTimers() > 0) {
        this.#woke = false;
        this.#fake.next();
        fired++;
        // Yield when a sleeper woke (its continuation may schedule more timers), and now and then anyway.
        if (this.#woke || fired % YIELD_EVERY === 0) await yieldToEventLoop();
      }
      return fired;
    } finally {
      this.#busy = false;
      this.#kick();
    }
  }

  /** Moves virtual time forward by `ms` at once; overdue timers fire once, at the new time. */
  jump(ms: number): void {
    this.#fake.jump(Math.max(0, ms));
  }

  /** Discrete mode: `agent` is now a participant; time waits for it while it runs. */
  agentJoined(agent: string | number): void {
    const key = String(agent);
    if (!this.#agents.has(key)) this.#agents.set(key, 0);
  }

  /** The agent left the world (exited, killed, LEAVE): time no longer waits for it. */
  agentLeft(agent: string | number): void {
    const key = String(agent);
    const blocked = this.#agents.get(key);
    if (blocked === undefined) return;
    if (blocked > 0) this.#blockedAgents--;
    this.#agents.delete(key);
    this.#waitBlocks.delete(key);
    this.#kick();
  }

  /** The agent waits for something (RECV, POLL_EVENTS, a slow HTTP call). Balanced by {@link agentUnblocked}. */
  agentBlocked(agent: string | number): void {
    const key = String(agent);
    const blocked = this.#agents.get(key);
    if (blocked === undefined) return;
    if (blocked === 0) this.#blockedAgents++;
    this.#agents.set(key, blocked + 1);
    this.#kick();
  }

  agentUnblocked(agent: string | number): void {
    const key = String(agent);
    const blocked = this.#agents.get(key);
    if (blocked === undefined || blocked === 0) return;
    if (blocked === 1) this.#blockedAgents--;
    this.#agents.set(key, blocked - 1);
  }

  /** Joined agents and whether each is blocked. */
  agents(): Array<{ agent: string; blocked: boolean }> {
    return [...this.#agents.entries()].map(([agent, n]) => ({ agent, blocked: n > 0 }));
  }

  /**
   * Joined agents with the blocks they hold through {@link agentBlocked} (not through waits on this
   * clock, which end when it closes): what a replacing clock takes over on an in-place restore.
   */
  handover(): Array<{ agent: string; blocks: number }> {
    return [...this.#agents.entries()].map(([agent, n]) => ({ agent, blocks: Math.max(0, n - (this.#waitBlocks.get(agent) ?? 0)) }));
  }

  /** Stops the pump and rejects every pending wait with `WORLD_CLOSED` (or the error given). */
  close(why: string | Error = 'is closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pump !== undefined) clearInterval(this.#pump);
    const error = typeof why === 'string' ? new WorldClosedError(this.#name, why) : why;
    for (const cancel of [...this.#cancels]) cancel(error);
    this.#fake.reset();
  }

  #block(agent: string | number | undefined): () => void {
    const key = agent === undefined ? undefined : String(agent);
    if (key !== undefined && this.#agents.has(key)) {
      this.agentBlocked(key);
      this.#waitBlocks.set(key, (this.#waitBlocks.get(key) ?? 0) + 1);
      return () => {
        const n = (this.#waitBlocks.get(key) ?? 1) - 1;
        if (n > 0) this.#waitBlocks.set(key, n);
        else this.#waitBlocks.delete(key);
        this.agentUnblocked(key);
      };
    }
    this.#anonymousWaits++;
    this.#kick();
    return () => {
      this.#anonymousWaits--;
    };
  }

  #canStep(): boolean {
    return (
      this.mode === 'discrete' &&
      !this.#closed &&
      !this.#held &&
      !this.#busy &&
      this.#anonymousWaits + this.#blockedAgents > 0 &&
      this.#blockedAgents === this.#agents.size &&
      this.#fake.countTimers() > 0
    );
  }

  #kick(): void {
    if (this.#stepping || !this.#canStep()) return;
    this.#stepping = true;
    setImmediate(this.#step);
  }

  readonly #step = (): void => {
    for (let n = 0; n < YIELD_EVERY; n++) {
      if (!this.#canStep()) {
        this.#stepping = false;
        return;
      }
      this.#woke = false;
      try {
        this.#fake.next();
      } catch (error) {
        this.#onError(toError(error));
      }
      // A woken sleeper (an agent's SLEEP reply, the kernel's bookkeeping) must run before the next jump.
      if (this.#woke) break;
    }
    setImmediate(this.#step);
  };

  #startPump(): void {
    this.#lastWall = performance.now();
    this.#pump = setInterval(() => {
      const wall = performance.now();
      const delta = (wall - this.#lastWall) * this.factor + this.#carry;
      this.#lastWall = wall;
      if (this.#busy) return;
      const whole = Math.floor(delta);
      this.#carry = delta - whole;
      try {
        if (whole > 0) this.#fake.tick(whole);
      } catch (error) {
        this.#onError(toError(error));
      }
    }, PUMP_INTERVAL_MS);
    this.#pump.unref();
  }
}
