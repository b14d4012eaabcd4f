import OpenAI from 'openai';
import { KernelError } from '../errors.js';
import { DEFAULT_RETRY, kindOfStatus, llmFailure, retryAfterMs } from './failure.js';
import { ClientProvider, LLM_DEFAULTS, estimatePromptTokens, estimateTokens, type Completion, type LlmMessage, type LlmProvider, type LlmToolCall, type ThinkRequest } from './provider.js';

type ChatCompletionCreateParamsNonStreaming = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type ChatCompletionMessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface OpenAiProviderOptions {
  /** API root ending before `/chat/completions`, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama). */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Per attempt; default 120 s. */
  timeoutMs?: number;
  /** Tries after the first on 408/409/429/5xx and connection errors, honouring Retry-After; default 2. */
  maxRetries?: number;
  concurrency?: number;
}

function toOpenAiMessage(message: LlmMessage): ChatCompletionMessageParam {
  const content = message.content;
  switch (message.role) {
    case 'system':
      return { role: 'system', content: typeof content === 'string' ? content : (content ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n') };
    case 'user':
      if (typeof content === 'string' || content === null) return { role: 'user', content: content ?? '' };
      return {
        role: 'user',
        content: content.map((p) => (p.type === 'text' ? { type: 'text' as const, text: p.text } : { type: 'image_url' as const, image_url: { url: `data:${p.mime_type};base64,${p.data}` } })),
      };
    case 'assistant':
      return {
        role: 'assistant',
        content: typeof content === 'string' ? content : null,
        ...(message.tool_calls?.length
          ? { tool_calls: message.tool_calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id ?? '', content: typeof content === 'string' ? content : JSON.stringify(content) };
  }
}

/** The chat completions body for a THINK request (exported for the recorder's request key and tests). */
export function chatCompletionBody(request: ThinkRequest, model: string): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = { model, messages: request.messages.map(toOpenAiMessage) };
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.thinking_level !== undefined) body.reasoning_effort = request.thinking_level;
  if (request.tools?.length) {
    body.tools = request.tools.map((t) => ({
      type: 'function' as const,
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters ?? { type: 'object', properties: {} } },
    }));
  }
  const choice = request.tool_choice;
  if (choice !== undefined) body.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  return body;
}

/**
 * Any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio,
 * Gemini's compatible endpoint) through the official `openai` client, whose retries honour
 * Retry-After on 408/409/429/5xx.
 */
export class OpenAiProvider extends ClientProvider<OpenAiProviderOptions, OpenAI> {
  readonly name = 'openai';

  constructor(options: OpenAiProviderOptions) {
    super(
      options,
      (o) =>
        new OpenAI({
          baseURL: o.baseUrl,
          // Local servers need no key; the client insists on one, and a placeholder reveals nothing.
          apiKey: o.apiKey || 'no-key',
          timeout: o.timeoutMs ?? LLM_DEFAULTS.timeoutMs,
          maxRetries: o.maxRetries ?? DEFAULT_RETRY.maxRetries,
          // Nothing the client could log (headers carry the key) ever reaches a log.
          logLevel: 'off',
        }),
    );
  }

  async complete(request: ThinkRequest, signal: AbortSignal): Promise<Completion> {
    const model = request.model ?? this.options.model;
    let body: OpenAI.Chat.Completions.ChatCompletion;
    try {
      // A signal of its own per call: the client listens on it, and callers share theirs (one per connection).
      body = await this.client.chat.completions.create(chatCompletionBody(request, model), { signal: AbortSignal.any([signal]) });
    } catch (error) {
      throw this.failure(error, signal);
    }
    const choice = body?.choices?.[0];
    if (!choice?.message) throw llmFailure(this.name, 'malformed', `${this.options.baseUrl} answered without choices[0].message`);
    const calls: LlmToolCall[] = [];
    for (const call of choice.message.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      let args: unknown;
      try {
        args = call.function.arguments ? JSON.parse(call.function.arguments) : {};
      } catch {
        throw llmFailure(this.name, 'malformed', `tool call ${call.function.name} has arguments that are not JSON: ${call.function.arguments.slice(0, 120)}`);
      }
      calls.push({ id: call.id, name: call.function.name, arguments: (args ?? {}) as Record<string, unknown> });
    }
    const content = choice.message.content ?? '';
    const promptTokens = body.usage?.prompt_tokens ?? estimatePromptTokens(request);
    const completionTokens = body.usage?.completion_tokens ?? estimateTokens(content);
    const finish = choice.finish_reason === 'function_call' ? 'tool_calls' : (choice.finish_reason ?? (calls.length ? 'tool_calls' : 'stop'));
    return {
      content,
      tool_calls: calls,
      finish_reason: finish,
      model: body.model ?? model,
      provider: this.name,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: body.usage?.total_tokens ?? promptTokens + completionTokens },
    };
  }

  private failure(error: unknown, signal: AbortSignal): KernelError {
    if (error instanceof KernelError) return error;
    const where = this.options.baseUrl;
    if (signal.aborted) return llmFailure(this.name, 'aborted', 'the call was cancelled (the caller went away)');
    if (error instanceof OpenAI.APIConnectionTimeoutError) return llmFailure(this.name, 'timeout', `${where} did not answer within ${this.options.timeoutMs ?? LLM_DEFAULTS.timeoutMs} ms (after ${this.options.maxRetries ?? DEFAULT_RETRY.maxRetries} retries)`);
    if (error instanceof OpenAI.APIConnectionError) {
      const cause = (error as { cause?: { message?: string; cause?: { message?: string } } }).cause;
      return llmFailure(this.name, 'unreachable', `${where} unreachable: ${cause?.cause?.message ?? cause?.message ?? error.message}`);
    }
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const after = retryAfterMs(error.headers);
      const detail = error.message.replace(/\s+/g, ' ').slice(0, 300);
      return llmFailure(this.name, kindOfStatus(error.status), `${where} answered ${error.status}: ${detail}`, { status: error.status, ...(after !== undefined ? { retry_after_ms: after } : {}) });
    }
    if (error instanceof SyntaxError) return llmFailure(this.name, 'malformed', `${where} answered with something that is not JSON (${error.message})`);
    return llmFailure(this.name, 'malformed', `${where}: ${(error as Error).message ?? String(error)}`);
  }
}
