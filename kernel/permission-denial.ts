import { ErrorCode, type ErrorCodeValue } from '../sdk/protocol/error-codes.js';
import { callerId, callerLabel, type CallSite } from './caller.js';
import { KernelError } from './errors.js';

/** A refused call: the error naming the rule, and the SYSCALL_BLOCKED event that announces it. */
export interface PermissionDenial {
  error: KernelError;
  source: number | null;
  event: { op: string; what: string; rule: string; reason: string; caller: string };
}

/** How a permission denial is worded, for the caller and for the SYSCALL_BLOCKED event. */
export function permissionDenial(
  site: Pick<CallSite, 'caller' | 'op'>,
  what: string,
  rule: string,
  reason: string,
  code: ErrorCodeValue = ErrorCode.PERMISSION_DENIED,
): PermissionDenial {
  const caller = callerLabel(site.caller);
  return {
    error: new KernelError(code, `${site.op} denied for ${caller}: ${what}: ${reason} (rule: ${rule})`, { rule, reason }),
    source: callerId(site.caller),
    event: { op: site.op, what, rule, reason, caller },
  };
}
