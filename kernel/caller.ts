import { ErrorCode } from '../sdk/protocol/error-codes.js';
import type { Agent } from './agents/agent.js';
import { KernelError } from './errors.js';

/** Who is calling: decided once per connection, by HELLO or by the channel an agent was given. */
export type Caller = { role: 'anonymous' } | { role: 'operator' } | { role: 'agent'; agent: Agent };

/** A call apart from its arguments: who makes it, which syscall, and when it stops mattering. */
export interface CallSite {
  readonly caller: Caller;
  readonly op: string;
  /** Aborted when the caller's connection closes, so blocking calls stop waiting. */
  readonly signal: AbortSignal;
}

/** `agent name (#id)` for agents, the role otherwise: how errors and events name a caller. */
export function callerLabel(caller: Caller): string {
  return caller.role === 'agent' ? `agent ${caller.agent.name} (#${caller.agent.id})` : caller.role;
}

/** The calling agent, or null for operators and anonymous callers. */
export function callerAgent(caller: Caller): Agent | null {
  return caller.role === 'agent' ? caller.agent : null;
}

/** The calling agent's id (an event's source, a message's sender), or null. */
export function callerId(caller: Caller): number | null {
  return caller.role === 'agent' ? caller.agent.id : null;
}

/**
 * The agent a call is about: the one `ref` names, or the calling agent itself when it names none.
 * Operators must name one.
 */
export function agentOrSelf(site: Pick<CallSite, 'caller' | 'op'>, ref: number | string | undefined, agents: { get(ref: number | string): Agent }): Agent {
  if (ref !== undefined) return agents.get(ref);
  if (site.caller.role === 'agent') return site.caller.agent;
  throw new KernelError(ErrorCode.BAD_REQUEST, `${site.op}: field 'agent' is required for operators (an agent id or name)`);
}
