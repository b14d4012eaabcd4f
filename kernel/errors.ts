import { CloveError } from '../sdk/errors.js';
import { ErrorCode, isWireCode, type ErrorCodeValue } from '../sdk/protocol/error-codes.js';

/**
 * An error a syscall returns to its caller. The code travels over the wire unchanged; the message
 * says what failed, why, and how to fix it.
 */
export class KernelError extends CloveError {
  declare readonly code: ErrorCodeValue;

  constructor(code: ErrorCodeValue, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}

/**
 * What the kernel answers for anything a handler throws. A `CloveError` whose code the kernel may
 * send (scope `connection` or `request` in the registry) crosses the wire as it is, with its
 * details: a world engine error, a sandbox error, a permission error. Anything else (a bug, a
 * stray Node error, a library code that has no meaning on the wire) is `KERNEL_INTERNAL`.
 */
export function toKernelError(thrown: unknown): KernelError {
  if (thrown instanceof KernelError) return thrown;
  if (thrown instanceof CloveError && isWireCode(thrown.code)) return new KernelError(thrown.code, thrown.message, thrown.details, { cause: thrown });
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new KernelError(ErrorCode.INTERNAL, `internal kernel error: ${message}`, undefined, { cause: thrown });
}

/** `start()` found another kernel on the socket path. */
export class KernelAlreadyRunningError extends CloveError {
  declare readonly code: 'KERNEL_ALREADY_RUNNING';

  constructor(readonly socketPath: string) {
    super(
      'KERNEL_ALREADY_RUNNING',
      `a kernel is already listening on ${socketPath}; stop it with \`clove kernel stop\` or choose another path with --socket / CLOVE_SOCKET`,
      { socket: socketPath },
    );
  }
}
