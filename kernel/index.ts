/**
 * `clove/kernel`: the Clove kernel as an embeddable library. `startKernel()` runs one in this
 * process (the daemon, `clove kernel start`, is the same plus signal handling); clients reach it
 * through `clove/sdk`.
 *
 * @example
 * import { startKernel } from 'clove/kernel';
 * import { connect } from 'clove/sdk';
 * const handle = await startKernel({ socketPath: '/tmp/clove-demo/kernel.sock', quotas: { storeBytes: '64M' } });
 * handle.kernel.observe(({ op, durationMs }) => console.log(op, durationMs));
 * const clove = await connect({ socketPath: handle.socketPath, token: handle.token });
 * console.log((await clove.status()).version);
 * clove.close();
 * await handle.close();
 *
 * @module
 */
import { startKernel as start, type KernelHandleOf } from './kernel.js';
import type { CallObserver } from './call-observer.js';
import type { KernelOptions } from './options.js';
import type { KernelStatus } from '../sdk/types.js';

/**
 * A running kernel as an embedding program sees it: what it is, what it does (`observe`), and its
 * lifecycle. Its tables, sandbox and audit log stay inside.
 */
export interface Kernel {
  readonly version: string;
  /** This run's id, stamped on its audit records as `run`. */
  readonly runId: string;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Where the operator token is kept (mode 0600). */
  readonly tokenFile: string;
  /** The socket agents connect to (bound into sandboxes). */
  readonly agentSocketPath: string;
  /** True once it was asked to stop. */
  readonly isClosing: boolean;
  /** Settles once the kernel has fully stopped, whoever asked it to. */
  readonly closed: Promise<void>;
  /** What STATUS answers (wire names, docs/protocol.md). */
  status(): KernelStatus;
  /** Calls `observer` after every syscall with the caller, opcode, arguments, duration and error. */
  observe(observer: CallObserver): void;
  /** Stops agents (SIGTERM, then SIGKILL after the grace period), hangs up clients, removes the socket. */
  close(): Promise<void>;
}

/** A kernel running in this process (`startKernel`). */
export type KernelHandle = KernelHandleOf<Kernel>;

/**
 * Starts a kernel in this process, listening on its socket.
 *
 * @example
 * const kernel = await startKernel({ socketPath: '/tmp/clove-test/kernel.sock' });
 * const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
 * await client.noop({ hello: 'world' });
 * await kernel.close();
 */
export const startKernel: (options?: KernelOptions) => Promise<KernelHandle> = start;

export type { CallObserver } from './call-observer.js';
export type { KernelOptions, ResolvedKernelOptions } from './options.js';
export { KERNEL_DEFAULTS } from './options.js';
export { defaultSocketPath } from './socket-path.js';
export { KernelError, KernelAlreadyRunningError } from './errors.js';
export type { Syscall, CallContext, Caller } from './syscall.js';
export { QUOTA_DEFAULTS, type KernelQuotas, type QuotaName } from './quota/index.js';
