import type { EventType, KernelEvent } from '../sdk/types.js';
import { sizeOf } from './quota/size.js';
import { Waiters } from './waiters.js';

/**
 * One subscriber's view of the bus: which types it wants, and either a queue drained by
 * POLL_EVENTS (bounded by count and bytes: the oldest go first, counted in `dropped`) or a push
 * callback that writes event frames.
 */
export class Subscription {
  readonly types = new Set<EventType | '*'>();
  push: ((event: KernelEvent) => void) | null = null;
  /**
   * Which worlds' events this subscriber may see (`world` is the event's world, or null for an event
   * of no world); every event when unset. The kernel sets it for agents: their own world only.
   */
  visible: ((world: string | null) => boolean) | null = null;
  private readonly queue: Array<{ event: KernelEvent; size: number }> = [];
  private queuedBytes = 0;
  private readonly pollers = new Waiters<true>();
  dropped = 0;

  constructor(
    private readonly capacity: number,
    /** Bytes of queued events kept; may be lowered for an agent's subscription (its event_queue_bytes quota). */
    public maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  wants(type: EventType): boolean {
    return this.types.has('*') || this.types.has(type);
  }

  offer(event: KernelEvent, size = sizeOf(event.data) + 64): void {
    if (this.push) return this.push(event);
    this.queue.push({ event, size });
    this.queuedBytes += size;
    while (this.queue.length > this.capacity || (this.queuedBytes > this.maxBytes && this.queue.length > 0)) {
      this.queuedBytes -= this.queue.shift()!.size;
      this.dropped++;
    }
    this.pollers.wakeAll(true);
  }

  async poll(max: number, timeoutMs: number, signal?: AbortSignal): Promise<KernelEvent[]> {
    if (this.queue.length === 0 && timeoutMs > 0) await this.pollers.wait(timeoutMs, signal);
    const taken = this.queue.splice(0, max);
    for (const item of taken) this.queuedBytes -= item.size;
    return taken.map((item) => item.event);
  }

  /** Bytes of events waiting to be polled. */
  get bytes(): number {
    return this.queuedBytes;
  }

  close(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.pollers.wakeAll();
  }
}

/** Fans kernel events out to subscriptions. Events carry a kernel-wide sequence number. */
export class EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private seq = 0;

  constructor(
    private readonly queueSize: number,
    private readonly queueBytes = Number.POSITIVE_INFINITY,
    /** Told when a subscriber's delivery throws; the other subscribers still get the event. */
    private readonly onError: (error: unknown, event: KernelEvent) => void = () => undefined,
    /** The world an event's source agent is in (null: none), so a world's events stay inside it. */
    private readonly worldOfSource: (source: number) => string | null = () => null,
  ) {}

  subscribe(maxBytes = this.queueBytes): Subscription {
    const sub = new Subscription(this.queueSize, maxBytes);
    this.subscriptions.add(sub);
    return sub;
  }

  unsubscribe(sub: Subscription): void {
    sub.close();
    this.subscriptions.delete(sub);
  }

  publish(type: EventType, source: number | null, data: Record<string, unknown>): KernelEvent {
    const event: KernelEvent = { seq: ++this.seq, type, time: Date.now(), source, data };
    const world = type === 'WORLD_EVENT' ? (typeof data.world === 'string' ? data.world : null) : source === null ? null : this.worldOfSource(source);
    let size: number | undefined;
    for (const sub of this.subscriptions) {
      if (!sub.wants(type) || (sub.visible !== null && !sub.visible(world))) continue;
      try {
        size ??= sizeOf(data) + 64;
        sub.offer(event, size);
      } catch (error) {
        this.onError(error, event);
      }
    }
    return event;
  }
}
