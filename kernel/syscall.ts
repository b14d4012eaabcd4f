import type { CodecId } from '../sdk/protocol/codec.js';
import type { ErrorCodeValue } from '../sdk/protocol/error-codes.js';
import type { OpcodeName } from '../sdk/protocol/opcodes.js';
import type { KernelEvent, KernelStatus, SpawnRequest } from '../sdk/types.js';
import type { Agent } from './agents/agent.js';
import type { AgentTable } from './agents/agent-table.js';
import type { SpawnParent } from './agents/spawn-bounds.js';
import type { Args } from './args.js';
import type { Caller, CallSite } from './caller.js';
import type { KernelError } from './errors.js';
import type { EventBus, Subscription } from './event-bus.js';
import type { FileSystemView } from './fs/file-system.js';
import type { LlmScheduler } from './llm/scheduler.js';
import type { MetricsSampler } from './metrics/sampler.js';
import type { ResolvedKernelOptions } from './options.js';
import type { AgentQuotaName, RateLimiter } from './quota/index.js';
import type { ResourceMonitor } from './resource-monitor.js';
import type { StateStore } from './state-store.js';
import type { WorldHost } from './worlds/world-host.js';

export { callerLabel, type Caller, type CallSite } from './caller.js';

/**
 * What a syscall handler may use of the kernel: its tables (agents, worlds, store, events), its
 * options, and the few decisions that need more than one of them. `Kernel` implements it; a
 * handler never sees the kernel's sockets, sandbox or lifecycle beyond `close()`.
 */
export interface SyscallHost {
  readonly version: string;
  readonly options: ResolvedKernelOptions;
  readonly agents: AgentTable;
  readonly worlds: WorldHost;
  readonly store: StateStore;
  readonly events: EventBus;
  readonly metrics: MetricsSampler;
  readonly llm: LlmScheduler;
  readonly resources: ResourceMonitor;
  /** EMIT rate per caller (the emit_rate quota). */
  readonly emitLimiter: RateLimiter;
  /** The caller a token stands for (operator or agent), or undefined. */
  identify(token: string): Caller | undefined;
  /** True for a connection that came in on the agents' socket: it may authenticate as an agent only. */
  agentsOnly(conn: CallerConnection): boolean;
  /** What bounds the children of `agent`: its rights, working directory and what its sandbox hides. */
  spawnParent(agent: Agent): SpawnParent;
  spawnAgent(request: SpawnRequest, parent: Agent | null): Promise<Agent>;
  /** The quota of an agent (its SPAWN quotas, capped by its spawner's), or the kernel's for others. */
  quotaFor(caller: Caller, name: AgentQuotaName): { limit: number; scope: 'agent' | 'kernel' };
  /** Approximate bytes an agent makes the kernel hold. */
  kernelBytes(agent: Agent): number;
  /** The filesystem a caller's file syscalls reach: its world's tree, or the host under its permissions. */
  fileSystemFor(ctx: CallContext, args: Args): FileSystemView;
  /** A permission denial: published as SYSCALL_BLOCKED and returned as the error naming the rule. */
  denied(site: Pick<CallSite, 'caller' | 'op'>, what: string, rule: string, reason: string, code?: ErrorCodeValue): KernelError;
  status(): KernelStatus;
  close(): Promise<void>;
}

/** What a handler may use of the connection a call came on. */
export interface CallerConnection {
  readonly id: number;
  /** HELLO switches identity. */
  caller: Caller;
  subscription: Subscription | null;
  /** Writes a pushed event frame (SUBSCRIBE with push: true). */
  pushEvent(event: KernelEvent): void;
  setPushCodec(codec: CodecId): void;
}

export interface CallContext extends CallSite {
  kernel: SyscallHost;
  conn: CallerConnection;
  op: OpcodeName;
  /** The request's payload codec; pushed events use the codec of the SUBSCRIBE that asked for them. */
  codec: CodecId;
}

/**
 * - `public`: anyone, before HELLO too (NOOP, HELLO).
 * - `authenticated`: operators and agents.
 * - `operator`: operators, and agents holding the grant named by `grant`.
 */
export type Access = 'public' | 'authenticated' | 'operator';

export interface Syscall {
  op: OpcodeName;
  access: Access;
  grant?: string;
  /** A plain string payload is accepted as this field (THINK: `prompt`, as in protocol 0.1). */
  stringPayload?: string;
  handle(ctx: CallContext, args: Args): unknown;
}

/** The longest any blocking call (WAIT, RECV, POLL_EVENTS) may ask to wait. @default one day */
export const MAX_WAIT_MS = 24 * 3600 * 1000;

/** Declares syscalls with their opcode names checked at compile time. */
export function syscalls(...list: Syscall[]): Syscall[] {
  return list;
}
