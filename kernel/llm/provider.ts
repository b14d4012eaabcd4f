/** One chat turn; `system` first when present. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ThinkRequest {
  messages: ChatMessage[];
  model?: string;
  max_tokens?: number;
  temperature?: number;
}

export interface ThinkUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ThinkResult {
  text: string;
  model: string;
  provider: string;
  usage: ThinkUsage;
}

/** Where THINK goes: a scripted mock, or a real model behind an HTTP API. */
export interface LlmProvider {
  readonly name: string;
  complete(request: ThinkRequest, signal: AbortSignal): Promise<ThinkResult>;
}

/** Rough token count for providers that do not report one: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
