/**
 * An error answered by the kernel, or raised by the client itself (codes starting `CLIENT_`).
 * `code` is the kernel's stable error code, unchanged from the wire.
 *
 * @example
 * try { await clove.send('nobody', {}) } catch (e) { if (e instanceof CloveError && e.code === 'AGENT_NOT_FOUND') ... }
 */
export class CloveError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CloveError';
  }
}

export const ClientErrorCode = {
  CONNECT_FAILED: 'CLIENT_CONNECT_FAILED',
  DISCONNECTED: 'CLIENT_DISCONNECTED',
  TIMEOUT: 'CLIENT_TIMEOUT',
  PROTOCOL: 'CLIENT_PROTOCOL_ERROR',
} as const;
