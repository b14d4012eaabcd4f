export {
  LEVELS,
  DEFAULT_DENY,
  DEFAULT_BLOCKED_COMMANDS,
  DANGEROUS_PATTERNS,
  PermissionError,
  resolvePermissions,
  checkPath,
  checkCommand,
  checkDomain,
  checkLlm,
  commandNames,
  type PermissionLevel,
  type PermissionSet,
  type PermissionContext,
  type Decision,
  type LlmUsage,
} from './permissions.js';
export { globToRegExp, matchGlob } from './glob.js';
