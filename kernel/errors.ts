import { ErrorCode, type ErrorCodeValue } from '../sdk/protocol/error-codes.js';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * An error a syscall returns to its caller. The code travels over the wire unchanged; the message
 * says what failed, why, and how to fix it.
 */
export class KernelError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KernelError';
  }
}

/** Normalises anything thrown by handler code into an Error with a stable code. */
export function toKernelError(thrown: unknown): KernelError {
  if (thrown instanceof KernelError) return thrown;
  const maybe = thrown as { code?: unknown; message?: unknown } | null;
  // Only codes the protocol documents cross the wire; a stray Node error code (ERR_...) does not.
  if (maybe && typeof maybe.code === 'string' && KNOWN_CODES.has(maybe.code) && typeof maybe.message === 'string') {
    const issues = (thrown as { issues?: unknown }).issues;
    const details = (thrown as { details?: unknown }).details;
    if (details !== null && typeof details === 'object' && !Array.isArray(details)) return new KernelError(maybe.code as ErrorCodeValue, maybe.message, details as Record<string, unknown>);
    return new KernelError(maybe.code as ErrorCodeValue, maybe.message, Array.isArray(issues) ? { issues } : undefined);
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new KernelError(ErrorCode.INTERNAL, `internal kernel error: ${message}`);
}

export class KernelAlreadyRunningError extends Error {
  readonly code = 'KERNEL_ALREADY_RUNNING';
  constructor(readonly socketPath: string) {
    super(
      `a kernel is already listening on ${socketPath}; stop it with \`clove kernel stop\` or choose another path with --socket / CLOVE_SOCKET`,
    );
    this.name = 'KernelAlreadyRunningError';
  }
}
