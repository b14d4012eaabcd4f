import type { LlmAgentMetrics } from '../../sdk/types.js';
import type { Agent } from '../agents/agent.js';

const SAMPLES = 1024;

/** One caller's THINK figures: counts, tokens, and recent queue/latency samples for medians. */
export class LlmUsage {
  calls = 0;
  failures = 0;
  promptTokens = 0;
  completionTokens = 0;
  queueMsTotal = 0;
  latencyMsTotal = 0;
  /** Calls admitted but not answered yet: counted against `max_calls` before they run. */
  inFlight = 0;
  private readonly queue: number[] = [];
  private readonly latency: number[] = [];

  record(result: { usage: { prompt_tokens: number; completion_tokens: number }; queue_ms: number; latency_ms: number }): void {
    this.calls++;
    this.promptTokens += result.usage.prompt_tokens;
    this.completionTokens += result.usage.completion_tokens;
    this.queueMsTotal += result.queue_ms;
    this.latencyMsTotal += result.latency_ms;
    push(this.queue, result.queue_ms);
    push(this.latency, result.latency_ms);
  }

  summary(weight: number): LlmAgentMetrics {
    const r = (n: number) => Math.round(n * 100) / 100;
    return {
      calls: this.calls,
      failures: this.failures,
      prompt_tokens: this.promptTokens,
      completion_tokens: this.completionTokens,
      tokens: this.promptTokens + this.completionTokens,
      queue_ms_total: r(this.queueMsTotal),
      queue_ms_p50: r(median(this.queue)),
      latency_ms_total: r(this.latencyMsTotal),
      latency_ms_p50: r(median(this.latency)),
      weight,
    };
  }
}

function push(list: number[], value: number): void {
  list.push(value);
  if (list.length > SAMPLES) list.shift();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const byAgent = new WeakMap<Agent, LlmUsage>();

/** The agent's THINK figures (created on first use). */
export function llmUsageOf(agent: Agent): LlmUsage {
  let usage = byAgent.get(agent);
  if (!usage) byAgent.set(agent, (usage = new LlmUsage()));
  return usage;
}

/** METRICS_AGENT's `llm` section for an agent. */
export function llmMetrics(agent: Agent): LlmAgentMetrics {
  return llmUsageOf(agent).summary(agent.permissions.llm.weight ?? 1);
}
