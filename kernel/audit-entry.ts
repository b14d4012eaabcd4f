import { ErrorCode } from '../sdk/protocol/error-codes.js';
import type { AuditInput } from './audit/index.js';
import type { AnsweredCall } from './call-observer.js';
import { callerId, callerAgent } from './caller.js';

/** One answered syscall as an audit record: a permission denial names the rule that denied it. */
export function auditEntry(call: AnsweredCall): AuditInput {
  const caller = call.caller;
  const rule = call.error?.details?.rule;
  // Anything refused by a rule (permissions, quotas) or by access control is a denial.
  const denied = call.error?.code === ErrorCode.PERMISSION_DENIED || call.error?.code === ErrorCode.FORBIDDEN || typeof rule === 'string';
  return {
    caller: {
      agent_id: callerId(caller),
      agent_name: callerAgent(caller)?.name ?? null,
      role: caller.role,
    },
    opcode: call.op,
    args: call.op === 'HELLO' ? {} : call.args,
    decision: denied ? 'denied' : 'allowed',
    ...(typeof rule === 'string' ? { rule } : {}),
    duration_ms: Math.round(call.durationMs * 1000) / 1000,
    ...(call.error ? { error: call.error.code } : {}),
  };
}
