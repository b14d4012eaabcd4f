import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { CloveError } from '../../sdk/errors.js';
import type { GeminiProviderOptions } from './gemini.js';
import { MockProvider, type MockProviderOptions } from './mock.js';
import type { OpenAiProviderOptions } from './openai.js';
import { LLM_DEFAULTS, type CallerContext, type Completion, type LlmProvider, type ThinkRequest } from './provider.js';
import { RecordingProvider, ReplayProvider } from './recording.js';

export type LlmProviderKind = 'mock' | 'openai' | 'gemini' | 'replay';

/** How the kernel reaches a model. Default: the deterministic mock. */
export interface LlmOptions {
  /** `mock` (default), `openai` (any OpenAI-compatible server), `gemini` (native), `replay` (a recording); or a provider object. Env: CLOVE_LLM_PROVIDER. */
  provider?: LlmProviderKind | LlmProvider;
  /** API root. openai: e.g. http://localhost:11434/v1 (default https://api.openai.com/v1); gemini: default Google's. Env: CLOVE_LLM_BASE_URL. */
  baseUrl?: string;
  /** Env: CLOVE_LLM_API_KEY, else OPENAI_API_KEY (openai) or GEMINI_API_KEY / GOOGLE_API_KEY (gemini). */
  apiKey?: string;
  /** Default model. Env: CLOVE_LLM_MODEL. */
  model?: string;
  /** THINK calls in flight at once per provider, across all agents. Default 4. Env: CLOVE_LLM_CONCURRENCY. */
  concurrency?: number;
  /** Per attempt, ms. Default 120000. Env: CLOVE_LLM_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Retries on 429/5xx/timeouts (Retry-After honoured). Default 2. Env: CLOVE_LLM_MAX_RETRIES. */
  maxRetries?: number;
  /** Write every request and answer to this JSON-lines file. Env: CLOVE_LLM_RECORD. */
  record?: string;
  /** With provider `replay`: the recording to answer from. Env: CLOVE_LLM_REPLAY (which alone selects replay). */
  replay?: string;
  /** A dotenv file read for the variables above (never copied into the environment agents inherit). Default `.env` in the kernel's working directory. Env: CLOVE_LLM_ENV_FILE. */
  envFile?: string | false;
  mock?: MockProviderOptions;
}

/** Variables that hold model credentials: read by the kernel, withheld from every agent's environment. */
export const LLM_SECRET_ENV = ['CLOVE_LLM_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'] as const;

const READ_FROM_DOTENV = new Set<string>([
  ...LLM_SECRET_ENV,
  'CLOVE_LLM_PROVIDER',
  'CLOVE_LLM_BASE_URL',
  'CLOVE_LLM_MODEL',
  'CLOVE_LLM_CONCURRENCY',
  'CLOVE_LLM_TIMEOUT_MS',
  'CLOVE_LLM_MAX_RETRIES',
  'CLOVE_LLM_RECORD',
  'CLOVE_LLM_REPLAY',
]);

/** Loads a provider's client library on the first call: a kernel that never THINKs does not pay for it. */
class LazyProvider implements LlmProvider {
  private inner: Promise<LlmProvider> | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<LlmProvider>,
  ) {}

  async complete(request: ThinkRequest, signal: AbortSignal, context?: CallerContext): Promise<Completion> {
    this.inner ??= this.load();
    return (await this.inner).complete(request, signal, context);
  }
}

/** Thrown when a provider is chosen but not configured; names the variables to set. */
export class LlmConfigError extends CloveError {
  constructor(message: string) {
    super('LLM_NOT_CONFIGURED', message);
  }
}

/** The process environment over the LLM variables of a dotenv file (the environment wins). */
export function llmEnvironment(options: Pick<LlmOptions, 'envFile'> = {}, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const file = options.envFile === false ? undefined : (options.envFile ?? env.CLOVE_LLM_ENV_FILE ?? resolve('.env'));
  if (file && existsSync(file)) {
    const parsed = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
    for (const [k, v] of Object.entries(parsed)) if (READ_FROM_DOTENV.has(k)) out[k] = v;
  }
  for (const k of READ_FROM_DOTENV) if (env[k] !== undefined && env[k] !== '') out[k] = env[k];
  return out;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new LlmConfigError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * The provider the kernel's THINK uses, from options, then the environment, then `.env`.
 * Throws {@link LlmConfigError} naming the variables to set when the chosen provider lacks them.
 */
export function createProvider(options: LlmOptions = {}, env: NodeJS.ProcessEnv = process.env): LlmProvider {
  if (typeof options.provider === 'object') return options.record ? new RecordingProvider(options.provider, options.record) : options.provider;
  const vars = llmEnvironment(options, env);
  const replay = options.replay ?? vars.CLOVE_LLM_REPLAY;
  const kind = options.provider ?? (vars.CLOVE_LLM_PROVIDER as LlmProviderKind | undefined) ?? (replay ? 'replay' : 'mock');
  const model = options.model ?? vars.CLOVE_LLM_MODEL;
  const baseUrl = options.baseUrl ?? vars.CLOVE_LLM_BASE_URL;
  const timeoutMs = options.timeoutMs ?? positiveInt(vars.CLOVE_LLM_TIMEOUT_MS, 'CLOVE_LLM_TIMEOUT_MS');
  const maxRetries = options.maxRetries ?? positiveInt(vars.CLOVE_LLM_MAX_RETRIES, 'CLOVE_LLM_MAX_RETRIES');
  const common = { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(maxRetries !== undefined ? { maxRetries } : {}) };
  let provider: LlmProvider;
  switch (kind) {
    case 'mock':
      provider = new MockProvider({ ...options.mock, ...(model ? { model } : {}) });
      break;
    case 'openai': {
      const apiKey = options.apiKey ?? vars.CLOVE_LLM_API_KEY ?? vars.OPENAI_API_KEY;
      if (!model || (!baseUrl && !apiKey)) {
        throw new LlmConfigError(
          'the openai LLM provider is not configured: set CLOVE_LLM_MODEL (e.g. gpt-4o-mini, llama3.2) and either CLOVE_LLM_BASE_URL for an OpenAI-compatible server (e.g. http://localhost:11434/v1 for Ollama) or OPENAI_API_KEY (or CLOVE_LLM_API_KEY) for api.openai.com — in the environment or a .env file',
        );
      }
      provider = new LazyProvider('openai', async () => new (await import('./openai.js')).OpenAiProvider({ baseUrl: baseUrl ?? 'https://api.openai.com/v1', model, ...(apiKey ? { apiKey } : {}), ...common } satisfies OpenAiProviderOptions));
      break;
    }
    case 'gemini': {
      const apiKey = options.apiKey ?? vars.CLOVE_LLM_API_KEY ?? vars.GEMINI_API_KEY ?? vars.GOOGLE_API_KEY;
      if (!apiKey) {
        throw new LlmConfigError('the gemini LLM provider is not configured: set GEMINI_API_KEY (or GOOGLE_API_KEY, or CLOVE_LLM_API_KEY) and optionally CLOVE_LLM_MODEL (default gemini-2.5-flash) — in the environment or a .env file');
      }
      provider = new LazyProvider('gemini', async () => new (await import('./gemini.js')).GeminiProvider({ apiKey, model: model ?? 'gemini-2.5-flash', ...(baseUrl ? { baseUrl } : {}), ...common } satisfies GeminiProviderOptions));
      break;
    }
    case 'replay':
      if (!replay) throw new LlmConfigError('the replay LLM provider needs a recording: set CLOVE_LLM_REPLAY=FILE (a file written with CLOVE_LLM_RECORD=FILE)');
      provider = new ReplayProvider(replay);
      break;
    default:
      throw new LlmConfigError(`unknown LLM provider '${String(kind)}' (CLOVE_LLM_PROVIDER: use mock, openai, gemini or replay)`);
  }
  const record = options.record ?? vars.CLOVE_LLM_RECORD;
  return record && kind !== 'replay' ? new RecordingProvider(provider, record) : provider;
}

/** THINK calls in flight per provider: options, then CLOVE_LLM_CONCURRENCY, then {@link LLM_DEFAULTS}. */
export function llmConcurrency(options: LlmOptions = {}, env: NodeJS.ProcessEnv = process.env): number {
  if (options.concurrency !== undefined) return Math.max(1, options.concurrency);
  const fromEnv = positiveInt(llmEnvironment(options, env).CLOVE_LLM_CONCURRENCY, 'CLOVE_LLM_CONCURRENCY');
  return fromEnv ? fromEnv : LLM_DEFAULTS.concurrency;
}
