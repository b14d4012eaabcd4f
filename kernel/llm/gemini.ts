import { ApiError, FunctionCallingConfigMode, GoogleGenAI, ThinkingLevel, type Content, type GenerateContentConfig, type GenerateContentResponse, type Part } from '@google/genai';
import { KernelError } from '../errors.js';
import { DEFAULT_RETRY, kindOfStatus, llmFailure, retryableStatus, withRetries, type AttemptFailure } from './failure.js';
import { ClientProvider, LLM_DEFAULTS, estimatePromptTokens, estimateTokens, plainText, type Completion, type FinishReason, type LlmProvider, type LlmToolCall, type ThinkRequest } from './provider.js';

export interface GeminiProviderOptions {
  apiKey: string;
  model: string;
  /** API root (tests, proxies); default Google's. */
  baseUrl?: string;
  /** Per attempt; default 120 s. */
  timeoutMs?: number;
  /** Tries after the first on 429/5xx/timeouts, honouring the server's RetryInfo; default 2. */
  maxRetries?: number;
  /** First backoff in ms (doubled each try); default 500. */
  retryBaseMs?: number;
  concurrency?: number;
}

const LEVELS: Record<NonNullable<ThinkRequest['thinking_level']>, ThinkingLevel> = {
  minimal: ThinkingLevel.MINIMAL,
  low: ThinkingLevel.LOW,
  medium: ThinkingLevel.MEDIUM,
  high: ThinkingLevel.HIGH,
};

/** Gemini's contents and config for a THINK request (system messages become the system instruction). */
export function geminiRequest(request: ThinkRequest): { contents: Content[]; config: GenerateContentConfig } {
  const system: string[] = [];
  const contents: Content[] = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: Part[]) => {
    const last = contents.at(-1);
    if (last?.role === role) last.parts!.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of request.messages) {
    if (m.role === 'system') {
      system.push(plainText(m));
    } else if (m.role === 'user') {
      const content = m.content;
      const parts: Part[] =
        typeof content === 'string' || content === null
          ? [{ text: content ?? '' }]
          : content.map((p) => (p.type === 'text' ? { text: p.text } : { inlineData: { mimeType: p.mime_type, data: p.data } }));
      push('user', parts);
    } else if (m.role === 'assistant') {
      const parts: Part[] = [];
      if (typeof m.content === 'string' && m.content) parts.push({ text: m.content });
      for (const call of m.tool_calls ?? []) {
        callNames.set(call.id, call.name);
        parts.push({ functionCall: { id: call.id, name: call.name, args: call.arguments } });
      }
      push('model', parts.length ? parts : [{ text: '' }]);
    } else {
      const name = m.name ?? callNames.get(m.tool_call_id ?? '') ?? 'tool';
      push('user', [{ functionResponse: { ...(m.tool_call_id ? { id: m.tool_call_id } : {}), name, response: { output: plainText(m) } } }]);
    }
  }
  const config: GenerateContentConfig = {};
  if (system.length) config.systemInstruction = system.join('\n');
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.max_tokens !== undefined) config.maxOutputTokens = request.max_tokens;
  if (request.stop !== undefined) config.stopSequences = request.stop;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.thinking_level !== undefined) config.thinkingConfig = { thinkingLevel: LEVELS[request.thinking_level] };
  if (request.tools?.length) {
    config.tools = [{ functionDeclarations: request.tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), parametersJsonSchema: t.parameters ?? { type: 'object', properties: {} } })) }];
  }
  const choice = request.tool_choice;
  if (choice !== undefined) {
    const mode = choice === 'none' ? FunctionCallingConfigMode.NONE : choice === 'auto' ? FunctionCallingConfigMode.AUTO : FunctionCallingConfigMode.ANY;
    config.toolConfig = { functionCallingConfig: { mode, ...(typeof choice === 'object' ? { allowedFunctionNames: [choice.name] } : {}) } };
  }
  return { contents, config };
}

function finishReason(reason: string | undefined, calls: number): FinishReason {
  if (calls > 0) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason === 'SAFETY' || reason === 'RECITATION' || reason === 'PROHIBITED_CONTENT' || reason === 'BLOCKLIST' || reason === 'SPII') return 'content_filter';
  return 'stop';
}

/** Gemini's RetryInfo (`"retryDelay": "2s"`) from an error body, in ms. */
function retryDelay(message: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** Gemini through Google's `@google/genai` client (native API: images, function calling, thinking levels). */
export class GeminiProvider extends ClientProvider<GeminiProviderOptions, GoogleGenAI> {
  readonly name = 'gemini';

  constructor(options: GeminiProviderOptions) {
    super(options, (o) => new GoogleGenAI({ apiKey: o.apiKey, httpOptions: { timeout: o.timeoutMs ?? LLM_DEFAULTS.timeoutMs, ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}) } }));
  }

  async complete(request: ThinkRequest, signal: AbortSignal): Promise<Completion> {
    const model = request.model ?? this.options.model;
    const { contents, config } = geminiRequest(request);
    const policy = { ...DEFAULT_RETRY, maxRetries: this.options.maxRetries ?? DEFAULT_RETRY.maxRetries, baseDelayMs: this.options.retryBaseMs ?? DEFAULT_RETRY.baseDelayMs };
    let response: GenerateContentResponse;
    try {
      response = await withRetries(policy, signal, () => this.client.models.generateContent({ model, contents, config: { ...config, abortSignal: AbortSignal.any([signal]) } }), (e) => this.classify(e, signal));
    } catch (error) {
      if (error instanceof KernelError) throw error;
      throw this.classify(error, signal).error;
    }
    const candidate = response?.candidates?.[0];
    if (!candidate) throw llmFailure(this.name, 'malformed', `the answer has no candidates${response?.promptFeedback?.blockReason ? ` (prompt blocked: ${response.promptFeedback.blockReason})` : ''}`);
    let text = '';
    const calls: LlmToolCall[] = [];
    for (const part of candidate.content?.parts ?? []) {
      if (part.thought) continue;
      if (typeof part.text === 'string') text += part.text;
      if (part.functionCall?.name) calls.push({ id: part.functionCall.id ?? `call_${calls.length + 1}`, name: part.functionCall.name, arguments: part.functionCall.args ?? {} });
    }
    const usage = response.usageMetadata;
    const promptTokens = usage?.promptTokenCount ?? estimatePromptTokens(request);
    const completionTokens = usage?.candidatesTokenCount ?? estimateTokens(text);
    return {
      content: text,
      tool_calls: calls,
      finish_reason: finishReason(candidate.finishReason, calls.length),
      model: response.modelVersion ?? model,
      provider: this.name,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: usage?.totalTokenCount ?? promptTokens + completionTokens },
    };
  }

  private classify(error: unknown, signal: AbortSignal): AttemptFailure {
    if (error instanceof KernelError) return { error, retryable: false };
    if (signal.aborted) return { error: llmFailure(this.name, 'aborted', 'the call was cancelled (the caller went away)'), retryable: false };
    if (error instanceof ApiError) {
      const after = retryDelay(error.message);
      const detail = error.message.replace(/\s+/g, ' ').slice(0, 300);
      return {
        error: llmFailure(this.name, kindOfStatus(error.status), `Gemini answered ${error.status}: ${detail}`, { status: error.status, ...(after !== undefined ? { retry_after_ms: after } : {}) }),
        retryable: retryableStatus(error.status),
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      };
    }
    const name = (error as Error)?.name;
    if (name === 'AbortError' || name === 'TimeoutError') {
      return { error: llmFailure(this.name, 'timeout', `Gemini did not answer within ${this.options.timeoutMs ?? LLM_DEFAULTS.timeoutMs} ms`), retryable: true };
    }
    if (error instanceof SyntaxError) return { error: llmFailure(this.name, 'malformed', `Gemini answered with something that is not JSON (${error.message})`), retryable: false };
    if (error instanceof TypeError) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return { error: llmFailure(this.name, 'unreachable', `Gemini unreachable: ${cause ?? error.message}`), retryable: true };
    }
    return { error: llmFailure(this.name, 'malformed', (error as Error)?.message ?? String(error)), retryable: false };
  }
}
