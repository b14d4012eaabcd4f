import type { Message } from '../sdk/types.js';
import { ErrorCode } from '../sdk/protocol/error-codes.js';
import { KernelError } from './errors.js';
import { Waiters } from './waiters.js';

/** One agent's bounded inbox. A parked RECV is handed a message directly, skipping the queue. */
export class Mailbox {
  private readonly queue: Message[] = [];
  private readonly receivers = new Waiters<Message>();

  constructor(
    readonly owner: string,
    private readonly capacity: number,
  ) {}

  deliver(message: Message): void {
    if (this.receivers.wakeOne(message)) return;
    if (this.queue.length >= this.capacity) {
      throw new KernelError(
        ErrorCode.MAILBOX_FULL,
        `mailbox of ${this.owner} is full (${this.capacity} unread messages); the receiver is not calling RECV fast enough — retry later`,
        { capacity: this.capacity },
      );
    }
    this.queue.push(message);
  }

  async receive(timeoutMs: number, signal?: AbortSignal): Promise<Message | null> {
    const next = this.queue.shift();
    if (next) return next;
    if (timeoutMs <= 0) return null;
    return (await this.receivers.wait(timeoutMs, signal)) ?? null;
  }

  get capacityLimit(): number {
    return this.capacity;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Ends every parked RECV with no message (the owner exited). */
  close(): void {
    this.receivers.wakeAll();
  }
}
