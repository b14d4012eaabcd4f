import type { CodecId } from '../sdk/protocol/codec.js';
import type { OpcodeName } from '../sdk/protocol/opcodes.js';
import type { Agent } from './agents/agent.js';
import type { Args } from './args.js';
import type { Connection } from './connection.js';
import type { Kernel } from './kernel.js';

/** Who is calling: decided once per connection, by HELLO or by the channel an agent was given. */
export type Caller = { role: 'anonymous' } | { role: 'operator' } | { role: 'agent'; agent: Agent };

export interface CallContext {
  kernel: Kernel;
  conn: Connection;
  caller: Caller;
  op: OpcodeName;
  /** Aborted when the caller's connection closes, so blocking calls stop waiting. */
  signal: AbortSignal;
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

/** Declares syscalls with their opcode names checked at compile time. */
export function syscalls(...list: Syscall[]): Syscall[] {
  return list;
}

export function callerLabel(caller: Caller): string {
  return caller.role === 'agent' ? `agent ${caller.agent.name} (#${caller.agent.id})` : caller.role;
}
