/** Stable codes of sandbox failures; they travel to the kernel's SPAWN and EXEC errors unchanged. */
export const SandboxErrorCode = {
  /** The agent's command, script or working directory cannot be reached by the agent's uid. */
  UNREACHABLE: 'SANDBOX_UNREACHABLE',
  /** A cgroup directory or limit file could not be written. */
  CGROUP_FAILED: 'SANDBOX_CGROUP_FAILED',
  /** The launcher could not be built or probed. */
  LAUNCHER_FAILED: 'SANDBOX_LAUNCHER_FAILED',
  /** EXEC needs the agent's namespaces, but the agent is no longer running. */
  NOT_RUNNING: 'SANDBOX_AGENT_NOT_RUNNING',
  /** A limit in the spawn request is malformed. */
  INVALID_LIMIT: 'SANDBOX_INVALID_LIMIT',
} as const;

export type SandboxErrorCodeValue = (typeof SandboxErrorCode)[keyof typeof SandboxErrorCode];

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly code: SandboxErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Normalises anything thrown into an `Error`. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
