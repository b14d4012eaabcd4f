import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';

export { toError } from '../../sdk/errors.js';

/** Stable codes of sandbox failures (registered in sdk/protocol/error-codes.ts); they travel to the kernel's SPAWN and EXEC errors unchanged. */
export const SandboxErrorCode = {
  /** The agent's command, script or working directory cannot be reached by the agent's uid. */
  UNREACHABLE: ErrorCode.SANDBOX_UNREACHABLE,
  /** A cgroup directory or limit file could not be written. */
  CGROUP_FAILED: ErrorCode.SANDBOX_CGROUP_FAILED,
  /** The launcher could not be built or probed. */
  LAUNCHER_FAILED: ErrorCode.SANDBOX_LAUNCHER_FAILED,
  /** EXEC needs the agent's namespaces, but the agent is no longer running. */
  NOT_RUNNING: ErrorCode.SANDBOX_AGENT_NOT_RUNNING,
  /** A limit in the spawn request is malformed. */
  INVALID_LIMIT: ErrorCode.SANDBOX_INVALID_LIMIT,
} as const;

export type SandboxErrorCodeValue = (typeof SandboxErrorCode)[keyof typeof SandboxErrorCode];

/** A failure of the sandbox (cgroups, launcher, reachability); a `KernelError`, so it reaches the caller as it is. */
export class SandboxError extends KernelError {
  declare readonly code: SandboxErrorCodeValue;

  constructor(code: SandboxErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}
