import type { LlmProvider, ThinkRequest, ThinkResult } from './provider.js';

interface Job {
  request: ThinkRequest;
  signal: AbortSignal;
  enqueued: number;
  resolve(result: ThinkResult & { queue_ms: number; latency_ms: number }): void;
  reject(error: unknown): void;
}

/**
 * Runs THINK calls on a provider with bounded concurrency, taking turns between callers so one
 * chatty agent cannot starve the others (round robin over per-caller queues).
 */
export class LlmScheduler {
  private readonly queues = new Map<string, Job[]>();
  private order: string[] = [];
  private running = 0;
  readonly stats = { calls: 0, failures: 0, tokens: 0, queue_ms_total: 0, latency_ms_total: 0 };

  constructor(
    readonly provider: LlmProvider,
    private readonly concurrency: number,
  ) {}

  submit(caller: string, request: ThinkRequest, signal: AbortSignal): Promise<ThinkResult & { queue_ms: number; latency_ms: number }> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(caller);
      if (!queue) {
        this.queues.set(caller, (queue = []));
        this.order.push(caller);
      }
      queue.push({ request, signal, enqueued: performance.now(), resolve, reject });
      this.pump();
    });
  }

  get queued(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const job = this.take();
      if (!job) return;
      if (job.signal.aborted) {
        job.reject(job.signal.reason);
        continue;
      }
      this.running++;
      const started = performance.now();
      this.provider
        .complete(job.request, job.signal)
        .then(
          (result) => {
            const queueMs = started - job.enqueued;
            const latencyMs = performance.now() - started;
            this.stats.calls++;
            this.stats.tokens += result.usage.total_tokens;
            this.stats.queue_ms_total += queueMs;
            this.stats.latency_ms_total += latencyMs;
            job.resolve({ ...result, queue_ms: Math.round(queueMs * 100) / 100, latency_ms: Math.round(latencyMs * 100) / 100 });
          },
          (error: unknown) => {
            this.stats.failures++;
            job.reject(error);
          },
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  /** The next job, from the caller whose turn it is. */
  private take(): Job | undefined {
    const caller = this.order.shift();
    if (caller === undefined) return undefined;
    const queue = this.queues.get(caller)!;
    const job = queue.shift()!;
    if (queue.length > 0) this.order.push(caller);
    else this.queues.delete(caller);
    return job;
  }
}
