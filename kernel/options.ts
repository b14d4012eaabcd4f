import { DEFAULT_MAX_FRAME_SIZE } from '../sdk/protocol/frame.js';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { SandboxOptions } from './sandbox/index.js';
import type { LlmOptions } from './llm/config.js';
import { resolveQuotas, type KernelQuotas, type QuotaName } from './quota/quotas.js';
import { DEFAULT_PAYLOAD_LIMITS } from '../sdk/protocol/payload-shape.js';
import { defaultSocketPath } from './socket-path.js';
import { stateDirFor } from '../sdk/socket-path.js';

/** Options of {@link startKernel}; every field is optional and its default is given. */
export interface KernelOptions {
  /** Socket path. Default: `CLOVE_SOCKET`, else `$XDG_RUNTIME_DIR/clove/kernel.sock`, else `/tmp/clove-<uid>/kernel.sock`. */
  socketPath?: string;
  /** Where the operator token and other kernel state live. Default: the socket's directory, or `<socket>.state` when that directory is shared (`/tmp/x.sock`). */
  stateDir?: string;
  /** Largest frame accepted, header included. Default 16 MiB. */
  maxFrameSize?: number;
  /** Grace period between SIGTERM and SIGKILL for agents at shutdown or KILL. Default 3000 ms. */
  killGraceMs?: number;
  /** Messages a mailbox holds before SEND fails with IPC_MAILBOX_FULL. Default 1000. */
  mailboxCapacity?: number;
  /** Largest message payload (encoded). Default 1 MiB. */
  maxMessageBytes?: number;
  /** Log lines kept per agent (oldest dropped first). Default 5000. */
  logLines?: number;
  /** Events queued per subscriber before the oldest are dropped. Default 1000. */
  eventQueueSize?: number;
  /** Exited agents kept in LIST --all before the oldest are forgotten. Default 1000. */
  exitedAgentsKept?: number;
  /** Bytes queued for a client that does not read before its connection is closed. Default 64 MiB. */
  maxPendingWriteBytes?: number;
  /** Deepest nesting of arrays/maps in a request payload (KERNEL_PAYLOAD_TOO_COMPLEX past it). Default 64. */
  maxPayloadDepth?: number;
  /** Most values (scalars, arrays, maps, keys) in one request payload. Default 1,000,000. */
  maxPayloadValues?: number;
  /**
   * Resource quotas (docs/protocol.md#resource-quotas), by name (`storeBytes` or `store_bytes`); byte quotas
   * take sizes such as "64M". Unnamed quotas keep their defaults (QUOTA_DEFAULTS).
   */
  quotas?: Partial<Record<QuotaName | string, number | string>>;
  /** Python interpreter for `.py` agents. Default: `CLOVE_PYTHON`, else the real path of `python3`. */
  python?: string;
  /**
   * Sandbox backend options, or false to run every agent as a plain child process (no cgroups,
   * no namespaces). Default: detect what the machine allows.
   */
  sandbox?: SandboxOptions | false;
  /** Where THINK goes; default the deterministic mock (or CLOVE_LLM_* environment variables). */
  llm?: LlmOptions;
  /** Audit log path, or false for none. Default: `<stateDir>/audit.log`. */
  auditLog?: string | false;
  /** Install SIGTERM/SIGINT handlers that shut the kernel down (the daemon does). Default false. */
  handleSignals?: boolean;
  /** Called with one line per notable kernel event (the daemon prints them). */
  log?: (line: string) => void;
}

export interface ResolvedKernelOptions extends Required<Omit<KernelOptions, 'python' | 'log' | 'sandbox' | 'auditLog' | 'llm' | 'quotas'>> {
  quotas: KernelQuotas;
  llm: LlmOptions;
  sandbox: SandboxOptions | false;
  auditLog: string | false;
  python: string | undefined;
  log: (line: string) => void;
}

export const KERNEL_DEFAULTS = {
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  killGraceMs: 3000,
  mailboxCapacity: 1000,
  maxMessageBytes: 1024 * 1024,
  logLines: 5000,
  eventQueueSize: 1000,
  exitedAgentsKept: 1000,
  maxPendingWriteBytes: 64 * 1024 * 1024,
  maxPayloadDepth: DEFAULT_PAYLOAD_LIMITS.maxDepth,
  maxPayloadValues: DEFAULT_PAYLOAD_LIMITS.maxValues,
  handleSignals: false,
} as const;

export function resolveKernelOptions(options: KernelOptions = {}): ResolvedKernelOptions {
  // Absolute and real before anything is built from them: a relative socket (`--socket k.sock`)
  // must not put the state directory at `/`, and the `{state}/**` deny rule must name the
  // directory as the kernel's file syscalls see it (links resolved), or it never matches.
  const socketPath = resolve(options.socketPath ?? defaultSocketPath());
  const stateDir = realLocation(resolve(options.stateDir ?? stateDirFor(socketPath)));
  return {
    ...KERNEL_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    socketPath,
    stateDir,
    python: options.python ?? process.env.CLOVE_PYTHON,
    sandbox: options.sandbox ?? {},
    llm: options.llm ?? {},
    quotas: resolveQuotas(options.quotas as Partial<Record<QuotaName, number | string>> | undefined),
    auditLog: options.auditLog === false ? false : options.auditLog !== undefined ? resolve(options.auditLog) : join(stateDir, 'audit.log'),
    log: options.log ?? (() => {}),
  } as ResolvedKernelOptions;
}

/** The real path of `abs`: its deepest existing ancestor resolved, the rest (not made yet) appended. */
function realLocation(abs: string): string {
  const tail: string[] = [];
  let dir = abs;
  for (;;) {
    try {
      return join(realpathSync.native(dir), ...tail.reverse());
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return abs;
      tail.push(basename(dir));
      dir = parent;
    }
  }
}
