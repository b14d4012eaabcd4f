import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';

/**
 * Why a THINK failed, in `details.kind` of its LLM_FAILED error: agents branch on it (retry
 * later on `rate_limit`, give up on `auth`).
 */
export type LlmFailureKind =
  | 'rate_limit'
  | 'server_error'
  | 'timeout'
  | 'malformed'
  | 'unreachable'
  | 'bad_request'
  | 'auth'
  | 'outage'
  | 'replay_miss'
  | 'aborted';

/** An LLM_FAILED error with `details: {kind, provider, status?, retry_after_ms?}`. */
export function llmFailure(provider: string, kind: LlmFailureKind, message: string, extra: { status?: number; retry_after_ms?: number } = {}): KernelError {
  return new KernelError(ErrorCode.LLM_FAILED, `THINK (${provider}): ${message}`, { kind, provider, ...extra });
}

/** The failure kind of an HTTP status from a provider. */
export function kindOfStatus(status: number): LlmFailureKind {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/** Statuses worth another try: rate limits, timeouts and server errors. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface RetryPolicy {
  /** Tries after the first; default 2. */
  maxRetries: number;
  /** First backoff in ms, doubled each try (with the server's Retry-After taking precedence); default 500. */
  baseDelayMs: number;
  /** No single wait longer than this; default 60 s. */
  maxDelayMs: number;
}

/** How failed provider requests are retried. `maxRetries` @default 2; `baseDelayMs` @default 500; `maxDelayMs` @default 60_000. */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 60_000 };

/** A failed attempt: whether to try again and after how long the server asked us to wait. */
export interface AttemptFailure {
  error: KernelError;
  retryable: boolean;
  retryAfterMs?: number;
}

/**
 * Runs `attempt` with backoff on retryable failures, honouring the server's requested delay
 * (Retry-After, or Gemini's RetryInfo). Aborting `signal` stops waiting at once.
 */
export async function withRetries<T>(policy: RetryPolicy, signal: AbortSignal, attempt: () => Promise<T>, classify: (error: unknown) => AttemptFailure): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (thrown) {
      if (signal.aborted) throw signal.reason;
      const failure = classify(thrown);
      if (!failure.retryable || tries >= policy.maxRetries) throw failure.error;
      const backoff = policy.baseDelayMs * 2 ** tries;
      const wait = Math.min(policy.maxDelayMs, failure.retryAfterMs ?? backoff);
      await sleep(wait, undefined, { signal });
    }
  }
}

/** Retry-After (seconds or an HTTP date) or retry-after-ms, in ms. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
