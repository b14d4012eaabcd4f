/**
 * Errors of the dashboard: `CloveError`s with a registered code (`sdk/protocol/error-codes.ts`),
 * the HTTP status the API answers with, and a message that says the fix.
 */
import { CloveError } from '../sdk/errors.js';
import type { CloveErrorCode } from '../sdk/protocol/error-codes.js';

export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 500 | 503;

export class DashboardError extends CloveError {
  constructor(
    code: CloveErrorCode,
    message: string,
    /** HTTP status of the API answer. */
    readonly status: HttpStatus = 400,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(code, message, options?.details, options);
  }
}

/**
 * The HTTP status for an error a route let through: the dashboard's own, or another layer's
 * `CloveError` (the kernel's answers, a results file that does not parse, runs that cannot be
 * compared) by its code; anything else is a 500.
 */
export function httpStatusOf(error: unknown): HttpStatus {
  if (error instanceof DashboardError) return error.status;
  if (!(error instanceof CloveError)) return 500;
  if (error.code.startsWith('CLIENT_')) return 503;
  if (/NOT_FOUND$|_MISSING$/.test(error.code)) return 404;
  if (/^PERM_|DENIED/.test(error.code)) return 403;
  return 400;
}
