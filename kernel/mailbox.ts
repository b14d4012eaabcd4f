import type { Message } from '../sdk/types.js';
import { ErrorCode } from '../sdk/protocol/error-codes.js';
import { KernelError } from './errors.js';
import { quotaExceeded } from './quota/quotas.js';
import { Waiters } from './waiters.js';

/**
 * One agent's bounded inbox: at most `capacity` unread messages and `maxBytes` of their payloads.
 * A parked RECV is handed a message directly, skipping the queue.
 */
export class Mailbox {
  private readonly queue: Array<{ message: Message; size: number }> = [];
  private queuedBytes = 0;
  private readonly receivers = new Waiters<Message>();

  constructor(
    readonly owner: string,
    private readonly capacity: number,
    /** The owner's mailbox_bytes quota; read at each delivery. */
    private readonly maxBytes: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  /** Delivers a message of `size` bytes (its payload as JSON); throws when the mailbox is full. */
  deliver(message: Message, size = 0): void {
    if (this.receivers.wakeOne(message)) return;
    if (this.queue.length >= this.capacity) {
      throw new KernelError(
        ErrorCode.MAILBOX_FULL,
        `mailbox of ${this.owner} is full (${this.capacity} unread messages); the receiver is not calling RECV fast enough — retry later`,
        { capacity: this.capacity },
      );
    }
    const limit = this.maxBytes();
    if (this.queuedBytes + size > limit) {
      throw quotaExceeded('SEND', 'mailboxBytes', limit, this.queuedBytes + size, `the unread messages of ${this.owner}`, 'agent');
    }
    this.queue.push({ message, size });
    this.queuedBytes += size;
  }

  async receive(timeoutMs: number, signal?: AbortSignal): Promise<Message | null> {
    const next = this.queue.shift();
    if (next) {
      this.queuedBytes -= next.size;
      return next.message;
    }
    if (timeoutMs <= 0) return null;
    return (await this.receivers.wait(timeoutMs, signal)) ?? null;
  }

  get capacityLimit(): number {
    return this.capacity;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Bytes of unread messages. */
  get bytes(): number {
    return this.queuedBytes;
  }

  get bytesLimit(): number {
    return this.maxBytes();
  }

  /** Ends every parked RECV with no message, and lets the unread messages go (the owner exited). */
  close(): void {
    this.receivers.wakeAll();
    this.queue.length = 0;
    this.queuedBytes = 0;
  }
}
