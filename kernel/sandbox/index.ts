export { selectBackend, Sandbox, type SandboxOptions } from './sandbox.js';
export type {
  SandboxSpec,
  PreparedLaunch,
  SandboxHandle,
  SandboxBackend,
  SandboxCapabilities,
  FreezeMethod,
  CgroupStats,
} from './backend.js';
export { NamespacesBackend } from './namespaces.js';
export { PlainBackend } from './plain.js';
export { SandboxError, SandboxErrorCode, type SandboxErrorCodeValue } from './errors.js';
export { SETUP_FAILED_EXIT_CODE } from './helper/build.js';
export { resolveLimits, parseMemory } from './limits.js';
export { resolveInterpreter } from './interpreter.js';
export { execInSandbox, runExec, type ExecRequest, type ExecResult } from './exec.js';
export { detectCgroups } from './cgroup/detect.js';
export { DEFAULT_HIDDEN } from './mounts.js';
