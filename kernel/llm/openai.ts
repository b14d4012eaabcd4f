import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { estimateTokens, type LlmProvider, type ThinkRequest, type ThinkResult } from './provider.js';

export interface OpenAiProviderOptions {
  /** API root ending before `/chat/completions`, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama). */
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
}

interface ChatCompletion {
  model?: string;
  choices?: Array<{ message?: { content?: string | null } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

/**
 * OpenAI-compatible chat completions: OpenAI, Ollama, vLLM, llama.cpp's server and Gemini's
 * compatible endpoint all speak it.
 */
export class OpenAiProvider implements LlmProvider {
  readonly name = 'openai-compatible';

  constructor(private readonly options: OpenAiProviderOptions) {}

  async complete(request: ThinkRequest, signal: AbortSignal): Promise<ThinkResult> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const model = request.model ?? this.options.model;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify({
          model,
          messages: request.messages,
          ...(request.max_tokens !== undefined ? { max_tokens: request.max_tokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs ?? 120_000)]),
      });
    } catch (error) {
      throw new KernelError(ErrorCode.LLM_FAILED, `THINK: ${url} unreachable: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new KernelError(ErrorCode.LLM_FAILED, `THINK: ${url} answered ${response.status}: ${text.slice(0, 300)}`);
    let body: ChatCompletion;
    try {
      body = JSON.parse(text) as ChatCompletion;
    } catch {
      throw new KernelError(ErrorCode.LLM_FAILED, `THINK: ${url} answered with something that is not JSON: ${text.slice(0, 120)}`);
    }
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new KernelError(ErrorCode.LLM_FAILED, `THINK: ${url} answered without choices[0].message.content`);
    const promptTokens = body.usage?.prompt_tokens ?? estimateTokens(request.messages.map((m) => m.content).join('\n'));
    const completionTokens = body.usage?.completion_tokens ?? estimateTokens(content);
    return {
      text: content,
      model: body.model ?? model,
      provider: this.name,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: body.usage?.total_tokens ?? promptTokens + completionTokens },
    };
  }
}
