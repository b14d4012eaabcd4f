import { estimateTokens, type LlmProvider, type ThinkRequest, type ThinkResult } from './provider.js';

export interface MockProviderOptions {
  /** Replies given in order, cycling; default: a reply derived from the last user message. */
  responses?: string[];
  /** Or a function of the request. */
  respond?: (request: ThinkRequest) => string;
  model?: string;
}

/**
 * Deterministic stand-in for a model: the same requests give the same replies and token counts,
 * which is what worlds and benchmarks need to be reproducible.
 */
export class MockProvider implements LlmProvider {
  readonly name = 'mock';
  private next = 0;

  constructor(private readonly options: MockProviderOptions = {}) {}

  async complete(request: ThinkRequest): Promise<ThinkResult> {
    const prompt = request.messages.map((m) => m.content).join('\n');
    const last = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    let text: string;
    if (this.options.respond) text = this.options.respond(request);
    else if (this.options.responses && this.options.responses.length > 0) text = this.options.responses[this.next++ % this.options.responses.length]!;
    else text = `mock reply to: ${last.slice(0, 200)}`;
    if (request.max_tokens !== undefined) text = text.slice(0, request.max_tokens * 4);
    const promptTokens = estimateTokens(prompt);
    const completionTokens = estimateTokens(text);
    return {
      text,
      model: request.model ?? this.options.model ?? 'mock-1',
      provider: this.name,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }
}
