import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { PROTOCOL_VERSION } from '../../sdk/protocol/frame.js';
import type { HelloResponse } from '../../sdk/types.js';
import { optStr } from '../args.js';
import { KernelError } from '../errors.js';
import { syscalls } from '../syscall.js';
import { callerId, callerAgent } from '../caller.js';

export const systemSyscalls = syscalls(
  {
    op: 'NOOP',
    access: 'public',
    handle: (_ctx, args) => args,
  },
  {
    op: 'HELLO',
    access: 'public',
    handle(ctx, args): HelloResponse {
      const token = optStr('HELLO', args, 'token');
      if (token !== undefined) {
        const caller = ctx.kernel.identify(token);
        if (caller?.role === 'operator' && ctx.kernel.agentsOnly(ctx.conn)) {
          throw new KernelError(ErrorCode.UNAUTHENTICATED, "HELLO: this is the agents' socket, which takes agent tokens only; operators connect to the kernel's socket");
        }
        if (!caller) {
          throw new KernelError(ErrorCode.UNAUTHENTICATED, 'HELLO: the token is not valid for this kernel (agent tokens stop working when the agent exits; operators read the token file next to the socket)');
        }
        ctx.conn.caller = caller;
      }
      const caller = ctx.conn.caller;
      if (caller.role === 'anonymous') {
        throw new KernelError(ErrorCode.UNAUTHENTICATED, 'HELLO: send your token: the operator token (file next to the socket, 0600) or the agent token in CLOVE_TOKEN');
      }
      return {
        protocol: PROTOCOL_VERSION,
        kernel_version: ctx.kernel.version,
        role: caller.role,
        agent_id: callerId(caller),
        agent_name: callerAgent(caller)?.name ?? null,
      };
    },
  },
  {
    op: 'STATUS',
    access: 'authenticated',
    handle: (ctx) => ctx.kernel.status(),
  },
  {
    op: 'SHUTDOWN',
    access: 'operator',
    grant: 'shutdown',
    handle(ctx) {
      // Answer first, then stop: the caller learns the shutdown was accepted.
      setImmediate(() => void ctx.kernel.close());
      return { shutting_down: true };
    },
  },
);
