import type { StoreScope } from '../../sdk/types.js';
import { optEnum, optInt, optStr, str, type Args } from '../args.js';
import { StateStore } from '../state-store.js';
import { syscalls, type CallContext } from '../syscall.js';

const SCOPES = ['global', 'agent', 'session'] as const;

/** `agent` scope is private to the calling agent (operators share one operator space); `session` to the connection. */
function namespace(ctx: CallContext, args: Args): { ns: string; scope: StoreScope } {
  const scope = optEnum(ctx.op, args, 'scope', SCOPES) ?? 'global';
  const owner = scope === 'session' ? ctx.conn.id : ctx.caller.role === 'agent' ? ctx.caller.agent.id : 'operator';
  return { ns: StateStore.namespace(scope, owner), scope };
}

function changed(ctx: CallContext, scope: StoreScope, key: string, op: 'store' | 'delete'): void {
  const source = ctx.caller.role === 'agent' ? ctx.caller.agent.id : null;
  // Only the key is published, never the value: agent and session scopes are private.
  ctx.kernel.events.publish('STATE_CHANGED', source, { key, scope, op });
}

export const storeSyscalls = syscalls(
  {
    op: 'STORE',
    access: 'authenticated',
    handle(ctx, args) {
      const { ns, scope } = namespace(ctx, args);
      const key = str('STORE', args, 'key');
      const ttl = optInt('STORE', args, 'ttl_ms', 1);
      ctx.kernel.store.set(ns, key, args.value ?? null, ttl);
      changed(ctx, scope, key, 'store');
      return { stored: true };
    },
  },
  {
    op: 'FETCH',
    access: 'authenticated',
    handle(ctx, args) {
      const { ns } = namespace(ctx, args);
      return ctx.kernel.store.get(ns, str('FETCH', args, 'key'));
    },
  },
  {
    op: 'DELETE',
    access: 'authenticated',
    handle(ctx, args) {
      const { ns, scope } = namespace(ctx, args);
      const key = str('DELETE', args, 'key');
      const deleted = ctx.kernel.store.delete(ns, key);
      if (deleted) changed(ctx, scope, key, 'delete');
      return { deleted };
    },
  },
  {
    op: 'KEYS',
    access: 'authenticated',
    handle(ctx, args) {
      const { ns } = namespace(ctx, args);
      return { keys: ctx.kernel.store.keys(ns, optStr('KEYS', args, 'prefix') ?? '') };
    },
  },
);
