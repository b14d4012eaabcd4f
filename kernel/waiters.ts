/**
 * Parked callers of blocking syscalls (RECV, POLL_EVENTS, WAIT, LOGS with wait_ms). A waiter is
 * settled exactly once: by a wake-up, its timeout, or its abort signal (the connection closed).
 */
export class Waiters<T> {
  private readonly parked = new Set<(value: T | undefined) => void>();

  /** Resolves with a woken value, or `undefined` on timeout or abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(undefined);
      const settle = (value: T | undefined) => {
        if (!this.parked.delete(settle)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = () => settle(undefined);
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.parked.add(settle);
    });
  }

  /** Wakes one parked caller with the value; false when nobody was waiting. */
  wakeOne(value: T): boolean {
    const first = this.parked.values().next();
    if (first.done) return false;
    first.value(value);
    return true;
  }

  wakeAll(value?: T): void {
    for (const settle of [...this.parked]) settle(value);
  }

  get size(): number {
    return this.parked.size;
  }
}
