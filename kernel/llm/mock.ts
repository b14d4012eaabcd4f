import { setTimeout as sleep } from 'node:timers/promises';
import { estimateTokens, lastUserText, messageText, type Completion, type LlmProvider, type ThinkRequest } from './provider.js';

export interface MockProviderOptions {
  /** Replies given in order, cycling; default: a reply derived from the last user message. */
  responses?: string[];
  /** Or a function of the request. */
  respond?: (request: ThinkRequest) => string;
  model?: string;
  /** Wall-clock delay per call in ms (demos and benchmarks of the scheduler); default 0. */
  latencyMs?: number;
}

/**
 * Deterministic stand-in for a model: the same requests give the same replies and token counts,
 * which is what worlds and benchmarks need to be reproducible. The default reply is
 * `mock reply to: <last user message, first 200 characters>` (scenarios rely on it: keep it).
 */
export class MockProvider implements LlmProvider {
  readonly name = 'mock';
  private next = 0;

  constructor(private readonly options: MockProviderOptions = {}) {}

  async complete(request: ThinkRequest, signal?: AbortSignal): Promise<Completion> {
    if (this.options.latencyMs) await sleep(this.options.latencyMs, undefined, signal ? { signal } : {});
    const prompt = request.messages.map(messageText).join('\n');
    let text: string;
    if (this.options.respond) text = this.options.respond(request);
    else if (this.options.responses && this.options.responses.length > 0) text = this.options.responses[this.next++ % this.options.responses.length]!;
    else text = `mock reply to: ${lastUserText(request).slice(0, 200)}`;
    let finish: Completion['finish_reason'] = 'stop';
    if (request.max_tokens !== undefined && text.length > request.max_tokens * 4) {
      text = text.slice(0, request.max_tokens * 4);
      finish = 'length';
    }
    const promptTokens = estimateTokens(prompt);
    const completionTokens = estimateTokens(text);
    return {
      content: text,
      tool_calls: [],
      finish_reason: finish,
      model: request.model ?? this.options.model ?? 'mock-1',
      provider: this.name,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }
}
