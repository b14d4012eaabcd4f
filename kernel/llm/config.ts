import { MockProvider, type MockProviderOptions } from './mock.js';
import { OpenAiProvider } from './openai.js';
import type { LlmProvider } from './provider.js';

/** How the kernel reaches a model. Default: the deterministic mock. */
export interface LlmOptions {
  /** `mock` (default) or `openai` (any OpenAI-compatible chat completions API); or a provider object. */
  provider?: 'mock' | 'openai' | LlmProvider;
  /** For `openai`: API root, e.g. http://localhost:11434/v1. Env: CLOVE_LLM_BASE_URL. */
  baseUrl?: string;
  /** Env: CLOVE_LLM_API_KEY, else OPENAI_API_KEY. */
  apiKey?: string;
  /** Default model. Env: CLOVE_LLM_MODEL. */
  model?: string;
  /** THINK calls in flight at once, across all agents. Default 4. */
  concurrency?: number;
  mock?: MockProviderOptions;
}

export function createProvider(options: LlmOptions = {}, env: NodeJS.ProcessEnv = process.env): LlmProvider {
  const kind = options.provider ?? (env.CLOVE_LLM_PROVIDER as LlmOptions['provider']) ?? 'mock';
  if (typeof kind === 'object') return kind;
  if (kind === 'openai') {
    const baseUrl = options.baseUrl ?? env.CLOVE_LLM_BASE_URL;
    const model = options.model ?? env.CLOVE_LLM_MODEL;
    if (!baseUrl || !model) {
      throw new Error('the openai LLM provider needs a base URL and a model: set CLOVE_LLM_BASE_URL and CLOVE_LLM_MODEL (e.g. http://localhost:11434/v1 and llama3.2)');
    }
    const apiKey = options.apiKey ?? env.CLOVE_LLM_API_KEY ?? env.OPENAI_API_KEY;
    return new OpenAiProvider({ baseUrl, model, ...(apiKey ? { apiKey } : {}) });
  }
  if (kind !== 'mock') throw new Error(`unknown LLM provider '${String(kind)}' (use mock or openai)`);
  return new MockProvider({ ...options.mock, ...(options.model ? { model: options.model } : {}) });
}
