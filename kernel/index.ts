export { startKernel, Kernel, type KernelHandle } from './kernel.js';
export type { CallObserver } from './call-observer.js';
export type { KernelOptions, ResolvedKernelOptions } from './options.js';
export { KERNEL_DEFAULTS } from './options.js';
export { defaultSocketPath } from './socket-path.js';
export { KernelError, KernelAlreadyRunningError } from './errors.js';
export type { Syscall, CallContext, Caller } from './syscall.js';
export { QUOTA_DEFAULTS, type KernelQuotas, type QuotaName } from './quota/index.js';
