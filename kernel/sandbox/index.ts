export {
  selectBackend,
  Sandbox,
  type SandboxSpec,
  type PreparedLaunch,
  type SandboxHandle,
  type SandboxBackend,
  type SandboxCapabilities,
  type SandboxOptions,
  type FreezeMethod,
  type CgroupStats,
} from './sandbox.js';
export { NamespacesBackend } from './namespaces.js';
export { PlainBackend } from './plain.js';
export { SandboxError, SandboxErrorCode, type SandboxErrorCodeValue } from './errors.js';
export { SETUP_FAILED_EXIT_CODE } from './helper/build.js';
export { resolveLimits, parseMemory } from './limits.js';
export { resolveInterpreter } from './interpreter.js';
export { execInSandbox, runExec, type ExecRequest, type ExecResult } from './exec.js';
export { detectCgroups } from './cgroup/detect.js';
export { DEFAULT_HIDDEN } from './mounts.js';
