import type { FinishReason, LlmContentPart, LlmMessage, LlmTool, LlmToolCall, LlmToolChoice, ThinkingLevel } from '../../sdk/types.js';
import type { WorldLlmRequest } from '../../worlds/llm/request.js';

export type { FinishReason, LlmContentPart, LlmMessage, LlmTool, LlmToolCall, LlmToolChoice, ThinkingLevel };
/** @deprecated the 0.1 name of {@link LlmMessage}. */
export type ChatMessage = LlmMessage;

/** A validated THINK request as providers receive it: `system` first when present. */
export interface ThinkRequest extends WorldLlmRequest {
  thinking_level?: ThinkingLevel;
}

export interface ThinkUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What a provider answers; the THINK handler adds timings and the 0.1 fields. */
export interface Completion {
  content: string;
  tool_calls: LlmToolCall[];
  finish_reason: FinishReason;
  model: string;
  provider: string;
  usage: ThinkUsage;
  /** Set by providers whose latency is not wall time (a world's LLM: virtual ms). */
  latency_ms?: number;
}

/** @deprecated the 0.1 name of {@link Completion}. */
export type ThinkResult = Completion;

/**
 * Where THINK goes: the deterministic mock, a real model behind its official client, a replay of
 * a recorded run, or a world's scripted LLM. Every provider passes test/llm/provider-contract.
 */
export interface LlmProvider {
  readonly name: string;
  /** Calls this provider may run at once (the scheduler's per-provider limit); default the kernel's. */
  readonly concurrency?: number;
  complete(request: ThinkRequest, signal: AbortSignal, context?: CallerContext): Promise<Completion>;
}

/** What a provider behind a real model's client shares: its options (concurrency among them) and its client. */
export abstract class ClientProvider<Options extends { concurrency?: number }, Client> implements LlmProvider {
  abstract readonly name: string;
  readonly concurrency: number | undefined;
  protected readonly client: Client;

  constructor(
    protected readonly options: Options,
    client: (options: Options) => Client,
  ) {
    this.concurrency = options.concurrency;
    this.client = client(options);
  }

  abstract complete(request: ThinkRequest, signal: AbortSignal, context?: CallerContext): Promise<Completion>;
}

/** Who a call is for (a world's LLM logs it and blocks that agent on the world clock). */
export interface CallerContext {
  agent?: number;
  /** The agent's name: what a world's LLM log records (ids differ from kernel to kernel). */
  name?: string;
}

/** Rough token count for providers that do not report one: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The text of a message (image parts count as a fixed 85 tokens' worth of characters, as OpenAI's low detail does). */
export function messageText(message: LlmMessage): string {
  const content = message.content;
  let text = typeof content === 'string' ? content : content === null ? '' : content.map((p) => (p.type === 'text' ? p.text : ' '.repeat(340))).join('\n');
  if (message.tool_calls?.length) text += message.tool_calls.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join('\n');
  return text;
}

/** Only the text parts of a message (no image placeholder). */
export function plainText(message: LlmMessage | undefined): string {
  if (message === undefined) return '';
  const content = message.content;
  return typeof content === 'string' ? content : content === null ? '' : content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
}

/** Estimated prompt tokens of a request (messages and tool definitions). */
export function estimatePromptTokens(request: ThinkRequest): number {
  let text = request.messages.map(messageText).join('\n');
  if (request.tools?.length) text += JSON.stringify(request.tools);
  return estimateTokens(text);
}

/** The last user message's text. */
export function lastUserText(request: ThinkRequest): string {
  return plainText([...request.messages].reverse().find((m) => m.role === 'user'));
}

/** Defaults of the LLM options a kernel leaves out. */
export const LLM_DEFAULTS = {
  /** THINK calls in flight per provider. @default 4 */
  concurrency: 4,
  /** Time a provider has to answer one request. @default 120_000 ms */
  timeoutMs: 120_000,
} as const;
