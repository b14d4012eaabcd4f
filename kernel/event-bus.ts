import type { EventType, KernelEvent } from '../sdk/types.js';
import { Waiters } from './waiters.js';

/**
 * One subscriber's view of the bus: which types it wants, and either a bounded queue drained by
 * POLL_EVENTS or a push callback that writes event frames.
 */
export class Subscription {
  readonly types = new Set<EventType | '*'>();
  push: ((event: KernelEvent) => void) | null = null;
  /**
   * Which worlds' events this subscriber may see (`world` is the event's world, or null for an event
   * of no world); every event when unset. The kernel sets it for agents: their own world only.
   */
  visible: ((world: string | null) => boolean) | null = null;
  private readonly queue: KernelEvent[] = [];
  private readonly pollers = new Waiters<true>();
  dropped = 0;

  constructor(private readonly capacity: number) {}

  wants(type: EventType): boolean {
    return this.types.has('*') || this.types.has(type);
  }

  offer(event: KernelEvent): void {
    if (this.push) return this.push(event);
    if (this.queue.length >= this.capacity) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(event);
    this.pollers.wakeAll(true);
  }

  async poll(max: number, timeoutMs: number, signal?: AbortSignal): Promise<KernelEvent[]> {
    if (this.queue.length === 0 && timeoutMs > 0) await this.pollers.wait(timeoutMs, signal);
    return this.queue.splice(0, max);
  }

  close(): void {
    this.pollers.wakeAll();
  }
}

/** Fans kernel events out to subscriptions. Events carry a kernel-wide sequence number. */
export class EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private seq = 0;

  constructor(
    private readonly queueSize: number,
    /** The world an event's source agent is in (null: none), so a world's events stay inside it. */
    private readonly worldOfSource: (source: number) => string | null = () => null,
  ) {}

  subscribe(): Subscription {
    const sub = new Subscription(this.queueSize);
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
    for (const sub of this.subscriptions) if (sub.wants(type) && (sub.visible === null || sub.visible(world))) sub.offer(event);
    return event;
  }
}
