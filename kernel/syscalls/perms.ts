import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { agentRef, optAgentRef } from '../args.js';
import { KernelError } from '../errors.js';
import { PermissionError, resolvePermissions } from '../permissions/index.js';
import { agentOrSelf } from '../caller.js';
import { syscalls } from '../syscall.js';

export const permSyscalls = syscalls(
  {
    op: 'GET_PERMS',
    access: 'authenticated',
    handle(ctx, args) {
      const ref = optAgentRef('GET_PERMS', args, 'agent');
      const caller = ctx.caller;
      const target = agentOrSelf(ctx, ref, ctx.kernel.agents);
      if (caller.role === 'agent' && caller.agent !== target && !caller.agent.grants.has('perms')) {
        throw new KernelError(ErrorCode.FORBIDDEN, `GET_PERMS: agent '${caller.agent.name}' may read only its own permissions`);
      }
      return { agent_id: target.id, permissions: target.permissions, llm_usage: { ...target.llmUsage } };
    },
  },
  {
    op: 'SET_PERMS',
    access: 'operator',
    grant: 'perms',
    handle(ctx, args) {
      const target = ctx.kernel.agents.get(agentRef('SET_PERMS', args, 'agent'));
      const input = args.permissions;
      if (typeof input !== 'string' && (typeof input !== 'object' || input === null || Array.isArray(input))) {
        throw new KernelError(ErrorCode.BAD_REQUEST, "SET_PERMS: field 'permissions' must be a level name (UNRESTRICTED, STANDARD, SANDBOXED, READONLY, MINIMAL) or a permission object");
      }
      try {
        target.permissions = resolvePermissions(input as string | Record<string, unknown>);
      } catch (error) {
        if (error instanceof PermissionError) throw new KernelError(ErrorCode.PERMISSIONS_INVALID, `SET_PERMS: ${error.message}`, { field: error.field });
        throw error;
      }
      return { agent_id: target.id, permissions: target.permissions };
    },
  },
);
