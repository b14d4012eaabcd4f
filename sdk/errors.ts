import { ClientErrorCode, isRetryable } from './protocol/error-codes.js';

export { ClientErrorCode };

/**
 * The root of every error Clove raises on purpose, in every layer: the kernel's answers
 * (`KernelError`), the world engine's (`WorldError`), the gym's, scenarios', bench's, reports' and
 * the CLI's errors all extend it, and so does what the SDK raises itself (codes starting
 * `CLIENT_`). It has one shape everywhere:
 *
 * - `code`: stable, from the registry in `sdk/protocol/error-codes.ts` (docs/protocol.md#error-codes);
 *   match on it, never on the message. An error answered by the kernel keeps the kernel's code
 *   unchanged, even one this version does not know.
 * - `message`: what failed, why, and how to fix it.
 * - `details`: structured facts (`{field}`, `{rule, reason}`, `{quota, limit, requested}`, ...).
 * - `cause`: the error underneath, when there is one (standard `Error.cause`).
 *
 * @example
 * try { await clove.send('nobody', {}) } catch (e) { if (e instanceof CloveError && e.code === 'AGENT_NOT_FOUND') ... }
 */
export class CloveError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** Whether the same call, made again unchanged, may succeed (from the registry; false for an unknown code). */
  get retryable(): boolean {
    return isRetryable(this.code);
  }
}

/**
 * Normalises anything thrown into an `Error`: an `Error` is returned as it is; a string becomes
 * the message; anything else is shown as JSON (or `String()` when it has no JSON form). Listeners,
 * handlers and user callbacks may throw anything.
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return new Error(text ?? String(value));
}
