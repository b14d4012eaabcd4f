import type { FinishReason, LlmMessage, LlmTool, LlmToolCall, LlmToolChoice } from '../../sdk/types.js';
import type { WorldClock } from '../clock.js';
import { LlmFailedError } from '../errors.js';
import { drawLatency } from '../network/route.js';
import { WorldRandom, type RandomState } from '../rng.js';
import type { LlmAnswerDefinition, LlmDefinition, LlmFailureKind, LlmRuleDefinition } from '../schema.js';
import { compileRegex, conversationText, matches, messageText } from './match.js';
import type { WorldLlmRequest } from './request.js';

export type { WorldLlmRequest } from './request.js';

export interface WorldLlmAnswer {
  content: string;
  tool_calls: LlmToolCall[];
  finish_reason: FinishReason;
  model: string;
  provider: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** Virtual ms the call took on the world clock. */
  latency_ms: number;
  /** The rule that answered (name, or `rules[i]`), `default`, or null in passthrough. */
  rule: string | null;
}

/** An LLM fault from an `llm.*` event, active until `until` (virtual ms; null = for good). */
export interface LlmFault {
  kind: 'outage' | 'error_rate' | 'latency';
  until: number | null;
  rate?: number;
  failure?: LlmFailureKind;
  latencyMs?: number;
}

/** One call to the world's LLM, in order: what was asked and what came back (for grading). */
export interface LlmCallEntry {
  seq: number;
  /** Virtual time the call started, epoch ms. */
  time: number;
  agent: string | null;
  mode: 'mock' | 'passthrough';
  /** The whole conversation as `role: text` lines. */
  prompt: string;
  messages: LlmMessage[];
  tools: string[];
  rule: string | null;
  outcome: 'ok' | LlmFailureKind | 'error';
  content: string;
  tool_calls: LlmToolCall[];
  tokens: number;
  latency_ms: number;
}

/** Plain data: part of world snapshots. */
export interface WorldLlmState {
  random: RandomState;
  /** Next position in each rule's sequence, by rule index. */
  sequences: number[];
  faults: LlmFault[];
  log: LlmCallEntry[];
}

const FAILURE_STATUS: Record<LlmFailureKind, number> = { rate_limit: 429, timeout: 408, malformed: 200, server_error: 500, outage: 503 };
const DEFAULT_TIMEOUT_MS = 30_000;
const PLACEHOLDER = /\{\{\s*(\d+)\s*\}\}/g;

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function fill(text: string, groups: string[]): string {
  return groups.length === 0 ? text : text.replace(PLACEHOLDER, (_, n: string) => groups[Number(n) - 1] ?? '');
}

function fillDeep(value: unknown, groups: string[]): unknown {
  if (typeof value === 'string') return fill(value, groups);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, groups));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, groups)]));
  return value;
}

/**
 * A world's LLM: scripted rules answer THINK calls of the world's agents with text or tool calls,
 * after a latency on the world clock, with seeded variants and failures, and faults from
 * `llm.outage` / `llm.error_rate` / `llm.latency` events. Every call is logged (prompts included),
 * and the whole state is part of the world's snapshots.
 *
 * @example
 * const world = createWorld({ name: 'w', llm: { rules: [{ match: { contains: 'hi' }, reply: 'hello' }] } });
 * (await world.llm.complete({ messages: [{ role: 'user', content: 'hi there' }] })).content; // 'hello'
 */
export class WorldLlm {
  readonly #definition: LlmDefinition;
  readonly #scripted: boolean;
  readonly #clock: WorldClock;
  readonly #world: string;
  readonly #random: WorldRandom;
  readonly #sequences: number[];
  #faults: LlmFault[];
  readonly #log: LlmCallEntry[];

  constructor(options: { definition: LlmDefinition | undefined; clock: WorldClock; seed: string; world: string; state?: WorldLlmState }) {
    this.#definition = options.definition ?? {};
    this.#scripted = options.definition !== undefined && options.definition.mode !== 'passthrough';
    this.#clock = options.clock;
    this.#world = options.world;
    const rules = this.#definition.rules ?? [];
    this.#random = options.state ? WorldRandom.fromState(options.state.random) : new WorldRandom(options.seed);
    this.#sequences = options.state ? [...options.state.sequences] : rules.map(() => 0);
    this.#faults = options.state ? structuredClone(options.state.faults) : [];
    this.#log = options.state ? structuredClone(options.state.log) : [];
    // Bad regular expressions are found when the world loads, not on the first call.
    for (const [i, rule] of rules.entries()) {
      for (const m of [rule.match ?? []].flat()) {
        try {
          if (m.regex !== undefined) compileRegex(m.regex);
        } catch (error) {
          throw new Error(`llm.rules[${i}].match.regex is not a valid regular expression: ${(error as Error).message}`);
        }
      }
    }
  }

  /**
   * `mock` (scripted: the world has an `llm:` section) or `passthrough` (the kernel's provider
   * answers: `mode: passthrough`, or no `llm:` section at all; calls are logged either way).
   */
  get mode(): 'mock' | 'passthrough' {
    return this.#scripted ? 'mock' : 'passthrough';
  }

  get provider(): string {
    return `world:${this.#world}`;
  }

  /** Every call so far, in order (copies). */
  get log(): readonly LlmCallEntry[] {
    return structuredClone(this.#log);
  }

  /** The conversation text of every call so far: what a grader checks for leaks. */
  prompts(): string[] {
    return this.#log.map((e) => e.prompt);
  }

  /** Active faults (copies). */
  faults(): LlmFault[] {
    this.#expire();
    return structuredClone(this.#faults);
  }

  addFault(fault: LlmFault): void {
    this.#faults.push(fault);
  }

  state(): WorldLlmState {
    return { random: this.#random.state(), sequences: [...this.#sequences], faults: structuredClone(this.#faults), log: structuredClone(this.#log) };
  }

  /**
   * Answers a request from the rules, after its latency on the world clock (with `agent`, that
   * agent counts as blocked meanwhile; the log names it by `label`, else by `agent`). Fails with `LlmFailedError` (code LLM_FAILED, `kind`).
   */
  async complete(request: WorldLlmRequest, options: { agent?: string | number; label?: string; signal?: AbortSignal } = {}): Promise<WorldLlmAnswer> {
    this.#expire();
    const started = this.#clock.now();
    const entry: LlmCallEntry = {
      seq: this.#log.length + 1,
      time: started,
      agent: options.label ?? (options.agent === undefined ? null : String(options.agent)),
      mode: 'mock',
      prompt: conversationText(request),
      messages: structuredClone(request.messages),
      tools: (request.tools ?? []).map((t) => t.name),
      rule: null,
      outcome: 'ok',
      content: '',
      tool_calls: [],
      tokens: 0,
      latency_ms: 0,
    };
    this.#log.push(entry);
    const { answer, rule, groups } = this.#choose(request);
    entry.rule = rule;
    const failure = this.#failure(answer);
    let latency = drawLatency(answer.latency_ms ?? this.#definition.latency_ms, this.#random);
    for (const f of this.#faults) if (f.kind === 'latency') latency += f.latencyMs ?? 0;
    if (failure === 'timeout') latency = Math.max(latency, this.#definition.timeout_ms ?? DEFAULT_TIMEOUT_MS);
    await this.#clock.sleep(latency, { ...(options.agent !== undefined ? { agent: options.agent } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    entry.latency_ms = this.#clock.now() - started;
    if (failure !== null) {
      entry.outcome = failure;
      throw new LlmFailedError(failure, FAILURE_STATUS[failure], this.#failureMessage(failure), failure === 'rate_limit' ? { retryAfterMs: 1000 } : {});
    }
    const content = fill(answer.reply ?? (answer.tool_calls?.length ? '' : `mock reply to: ${messageText([...request.messages].reverse().find((m) => m.role === 'user')).slice(0, 200)}`), groups);
    const calls: LlmToolCall[] = (answer.tool_calls ?? []).map((c, i) => ({
      id: c.id ?? `call_${entry.seq}_${i + 1}`,
      name: c.name,
      arguments: fillDeep(c.arguments ?? {}, groups) as Record<string, unknown>,
    }));
    const promptTokens = answer.usage?.prompt_tokens ?? estimateTokens(entry.prompt + (request.tools?.length ? JSON.stringify(request.tools) : ''));
    const completionTokens = answer.usage?.completion_tokens ?? estimateTokens(content + (calls.length ? JSON.stringify(calls) : ''));
    entry.content = content;
    entry.tool_calls = calls;
    entry.tokens = promptTokens + completionTokens;
    return {
      content,
      tool_calls: calls,
      finish_reason: answer.finish_reason ?? (calls.length ? 'tool_calls' : 'stop'),
      model: this.#definition.model ?? 'world-mock',
      provider: this.provider,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      latency_ms: entry.latency_ms,
      rule,
    };
  }

  /** Logs a call the kernel's provider answered (passthrough mode), so graders see it too. */
  recordPassthrough(request: WorldLlmRequest, agent: string | number | null, result: { content: string; tool_calls: LlmToolCall[]; tokens: number; latency_ms: number } | { error: string }): void {
    this.#log.push({
      seq: this.#log.length + 1,
      time: this.#clock.now(),
      agent: agent === null ? null : String(agent),
      mode: 'passthrough',
      prompt: conversationText(request),
      messages: structuredClone(request.messages),
      tools: (request.tools ?? []).map((t) => t.name),
      rule: null,
      outcome: 'error' in result ? 'error' : 'ok',
      content: 'error' in result ? result.error : result.content,
      tool_calls: 'error' in result ? [] : result.tool_calls,
      tokens: 'error' in result ? 0 : result.tokens,
      latency_ms: 'error' in result ? 0 : result.latency_ms,
    });
  }

  #choose(request: WorldLlmRequest): { answer: LlmAnswerDefinition; rule: string | null; groups: string[] } {
    const rules = this.#definition.rules ?? [];
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const groups: string[] = [];
      if (![rule.match ?? []].flat().every((m) => matches(m, request, groups))) continue;
      const answer = this.#answerOf(rule, i);
      if (answer === null) continue;
      return { answer, rule: rule.name ?? `rules[${i}]`, groups };
    }
    return { answer: this.#definition.default ?? {}, rule: 'default', groups: [] };
  }

  /** A rule's answer for this call: its sequence position, a seeded variant, or itself; null when its sequence is used up (next-rule). */
  #answerOf(rule: LlmRuleDefinition, index: number): LlmAnswerDefinition | null {
    const base: LlmAnswerDefinition = {
      ...(rule.reply !== undefined ? { reply: rule.reply } : {}),
      ...(rule.tool_calls !== undefined ? { tool_calls: rule.tool_calls } : {}),
      ...(rule.finish_reason !== undefined ? { finish_reason: rule.finish_reason } : {}),
      ...(rule.fail !== undefined ? { fail: rule.fail } : {}),
      ...(rule.latency_ms !== undefined ? { latency_ms: rule.latency_ms } : {}),
      ...(rule.usage !== undefined ? { usage: rule.usage } : {}),
    };
    if (rule.sequence?.length) {
      const at = this.#sequences[index] ?? 0;
      const n = rule.sequence.length;
      const end = rule.sequence_end ?? 'repeat-last';
      if (at >= n && end === 'next-rule') return null;
      this.#sequences[index] = at + 1;
      const step = end === 'loop' ? rule.sequence[at % n]! : rule.sequence[Math.min(at, n - 1)]!;
      return { ...base, ...step };
    }
    if (rule.variants?.length) return { ...base, ...rule.variants[this.#random.int(0, rule.variants.length - 1)]! };
    return base;
  }

  /** Whether this call fails, and how: scripted, an outage, an error-rate fault, or the world's error_rate. */
  #failure(answer: LlmAnswerDefinition): LlmFailureKind | null {
    if (answer.fail) return answer.fail;
    const outage = this.#faults.find((f) => f.kind === 'outage');
    if (outage) return outage.failure ?? 'outage';
    for (const f of this.#faults) {
      if (f.kind === 'error_rate' && this.#random.next() < (f.rate ?? 1)) return f.failure ?? 'rate_limit';
    }
    const rate = this.#definition.error_rate ?? 0;
    if (rate > 0 && this.#random.next() < rate) return this.#definition.error_kind ?? 'rate_limit';
    return null;
  }

  #failureMessage(kind: LlmFailureKind): string {
    switch (kind) {
      case 'rate_limit':
        return `world '${this.#world}' LLM: rate limited (429); retry after 1 s`;
      case 'timeout':
        return `world '${this.#world}' LLM: no answer within ${this.#definition.timeout_ms ?? DEFAULT_TIMEOUT_MS} ms (timeout)`;
      case 'malformed':
        return `world '${this.#world}' LLM: the reply was malformed (not valid JSON)`;
      case 'server_error':
        return `world '${this.#world}' LLM: server error (500)`;
      case 'outage':
        return `world '${this.#world}' LLM: unavailable (outage, 503)`;
    }
  }

  #expire(): void {
    const now = this.#clock.now();
    this.#faults = this.#faults.filter((f) => f.until === null || f.until > now);
  }
}
