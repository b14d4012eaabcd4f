/** Defaults of the sandbox options, in one place (see `SandboxOptions`). */
export const SANDBOX_DEFAULTS = {
  /** Size of each private writable tmpfs of a sandbox (/tmp, /var/tmp, /dev/shm). @default 64 MiB */
  tmpBytes: 64 * 1024 * 1024,
  /** The unprivileged uid (and gid) agents run as when the kernel is root. @default 65534 (nobody) */
  agentUid: 65534,
} as const;
