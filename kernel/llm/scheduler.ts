import type { CallerContext, Completion, LlmProvider, ThinkRequest } from './provider.js';

/** A completion with the scheduler's timings: `queue_ms` waiting for a slot, `latency_ms` in the provider. */
export type ScheduledCompletion = Completion & { queue_ms: number; latency_ms: number };

export interface ThinkCall {
  /** Who is asking: one fair-queuing flow per caller (an agent, or `operator`). */
  caller: string;
  /** Share of the provider this caller gets while others wait too (SPAWN/permissions `llm.weight`); default 1. */
  weight?: number;
  /** Default: the scheduler's own provider. A world's LLM passes its own. */
  provider?: LlmProvider;
  request: ThinkRequest;
  signal: AbortSignal;
  context?: CallerContext;
}

interface Job {
  call: ThinkCall;
  /** Start tag: the virtual time this job may start at (start-time fair queuing). */
  start: number;
  seq: number;
  enqueued: number;
  resolve(result: ScheduledCompletion): void;
  reject(error: unknown): void;
}

interface Flow {
  finish: number;
  queue: Job[];
}

/** One provider's queue: its own concurrency and virtual time. */
class Lane {
  running = 0;
  vtime = 0;
  readonly flows = new Map<string, Flow>();
  queued = 0;

  constructor(
    readonly provider: LlmProvider,
    readonly concurrency: number,
  ) {}
}

export interface SchedulerStats {
  calls: number;
  failures: number;
  tokens: number;
  queue_ms_total: number;
  latency_ms_total: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Runs THINK calls with weighted fair queuing across callers (start-time fair queuing: a call's
 * start tag is max(virtual time, the caller's last finish tag), its finish tag adds 1/weight; the
 * smallest start tag runs next), with a concurrency limit per provider. A caller that floods the
 * queue only delays itself: every other caller's next call starts within one round.
 *
 * @example
 * const scheduler = new LlmScheduler(new MockProvider(), 4);
 * const answer = await scheduler.submit({ caller: 'agent a (#1)', weight: 2, request, signal });
 */
export class LlmScheduler {
  private readonly lanes = new Map<LlmProvider, Lane>();
  private seq = 0;
  readonly stats: SchedulerStats = { calls: 0, failures: 0, tokens: 0, queue_ms_total: 0, latency_ms_total: 0 };

  constructor(
    readonly provider: LlmProvider,
    private readonly concurrency: number,
  ) {}

  submit(call: ThinkCall): Promise<ScheduledCompletion> {
    const provider = call.provider ?? this.provider;
    let lane = this.lanes.get(provider);
    if (!lane) {
      lane = new Lane(provider, Math.max(1, provider.concurrency ?? this.concurrency));
      this.lanes.set(provider, lane);
    }
    const weight = call.weight !== undefined && call.weight > 0 ? call.weight : 1;
    let flow = lane.flows.get(call.caller);
    if (!flow) lane.flows.set(call.caller, (flow = { finish: 0, queue: [] }));
    const start = Math.max(lane.vtime, flow.finish);
    flow.finish = start + 1 / weight;
    const theLane = lane;
    const theFlow = flow;
    return new Promise((resolve, reject) => {
      if (call.signal.aborted) {
        reject(call.signal.reason);
        return;
      }
      theFlow.queue.push({ call, start, seq: this.seq++, enqueued: performance.now(), resolve, reject });
      theLane.queued++;
      this.pump(theLane);
    });
  }

  /** Calls waiting for a slot, over all providers. */
  get queued(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queued;
    return n;
  }

  /** Calls running now, over all providers. */
  get running(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.running;
    return n;
  }

  private pump(lane: Lane): void {
    while (lane.running < lane.concurrency) {
      const job = this.take(lane);
      if (!job) break;
      // A caller that went away while queued (its connection closed) is dropped here, not run.
      if (job.call.signal.aborted) {
        job.reject(job.call.signal.reason);
        continue;
      }
      lane.running++;
      lane.vtime = Math.max(lane.vtime, job.start);
      this.run(lane, job);
    }
    if (lane.running === 0 && lane.queued === 0) this.lanes.delete(lane.provider);
  }

  private run(lane: Lane, job: Job): void {
    const started = performance.now();
    const queueMs = started - job.enqueued;
    lane.provider
      .complete(job.call.request, job.call.signal, job.call.context)
      .then(
        (result) => {
          const latencyMs = result.latency_ms ?? performance.now() - started;
          this.stats.calls++;
          this.stats.tokens += result.usage.total_tokens;
          this.stats.queue_ms_total += queueMs;
          this.stats.latency_ms_total += latencyMs;
          job.resolve({ ...result, queue_ms: round(queueMs), latency_ms: round(latencyMs) });
        },
        (error: unknown) => {
          this.stats.failures++;
          job.reject(error);
        },
      )
      .finally(() => {
        lane.running--;
        this.pump(lane);
      });
  }

  /** The queued job with the smallest start tag (then the earliest). */
  private take(lane: Lane): Job | undefined {
    let best: Job | undefined;
    let bestFlow: Flow | undefined;
    for (const flow of lane.flows.values()) {
      const head = flow.queue[0];
      if (head && (!best || head.start < best.start || (head.start === best.start && head.seq < best.seq))) {
        best = head;
        bestFlow = flow;
      }
    }
    if (!best || !bestFlow) return undefined;
    bestFlow.queue.shift();
    lane.queued--;
    return best;
  }
}
