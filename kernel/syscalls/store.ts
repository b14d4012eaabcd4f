import type { StoreScope } from '../../sdk/types.js';
import { optEnum, optInt, optStr, str, type Args } from '../args.js';
import { StateStore } from '../state-store.js';
import { quotaExceeded } from '../quota/index.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import type { WorldKv } from '../../worlds/index.js';
import { syscalls, type CallContext } from '../syscall.js';
import { callerId, callerAgent } from '../caller.js';

const SCOPES = ['global', 'agent', 'session', 'world'] as const;

/** A world's own key-value state (captured in its snapshots), for `scope: 'world'`. */
function worldKv(ctx: CallContext, args: Args): WorldKv | undefined {
  if (args.scope !== 'world') return undefined;
  const hosted = ctx.kernel.worlds.worldOf(ctx, args);
  if (!hosted) {
    throw new KernelError(ErrorCode.BAD_REQUEST, `${ctx.op}: scope 'world' needs a world: join one, or name it in the 'world' field`);
  }
  return hosted.world.kv;
}

/** `agent` scope is private to the calling agent (operators share one operator space); `session` to the connection. */
function namespace(ctx: CallContext, args: Args): { ns: string; scope: StoreScope } {
  const scope = optEnum(ctx.op, args, 'scope', SCOPES) ?? 'global';
  const owner = scope === 'session' ? ctx.conn.id : (callerId(ctx.caller) ?? 'operator');
  return { ns: StateStore.namespace(scope, owner), scope };
}

/**
 * STORE under quotas: an agent's own namespace uses its SPAWN quotas; the shared namespaces
 * (global, session) the kernel's. A use of 90% or more raises RESOURCE_WARNING.
 */
function storeValue(ctx: CallContext, ns: string, scope: StoreScope, key: string, value: unknown, ttl: number | undefined): void {
  const kernel = ctx.kernel;
  const own = scope === 'agent' && ctx.caller.role === 'agent';
  const bytes = own ? kernel.quotaFor(ctx.caller, 'storeBytes') : { limit: kernel.options.quotas.storeBytes, scope: 'kernel' as const };
  const keys = own ? kernel.quotaFor(ctx.caller, 'storeKeys') : { limit: kernel.options.quotas.storeKeys, scope: 'kernel' as const };
  const owner = callerId(ctx.caller);
  const limits = { op: ctx.op, bytes: bytes.limit, keys: keys.limit, totalBytes: kernel.options.quotas.storeTotalBytes, scope: own ? ('agent' as const) : ('kernel' as const) };
  const used = kernel.store.set(ns, key, value, ttl, limits, owner);
  const agent = callerAgent(ctx.caller);
  kernel.resources.quota('store_bytes', ns, { agent: own ? agent : null, scope: ns }, used.bytes, limits.bytes);
  kernel.resources.quota('store_keys', ns, { agent: own ? agent : null, scope: ns }, used.keys, limits.keys);
  kernel.resources.quota('store_total_bytes', '*', {}, kernel.store.bytes, limits.totalBytes);
}

/** STORE in a world's own state: bounded by the kernel's store_bytes and store_keys, like a namespace. */
function setWorldValue(ctx: CallContext, kv: WorldKv, key: string, value: unknown): void {
  const quotas = ctx.kernel.options.quotas;
  const keys = kv.size + (kv.has(key) ? 0 : 1);
  if (keys > quotas.storeKeys) throw quotaExceeded(ctx.op, 'storeKeys', quotas.storeKeys, keys, "the world's state (scope world)");
  const bytes = kv.bytesAfterSet(key, value);
  if (bytes > quotas.storeBytes) throw quotaExceeded(ctx.op, 'storeBytes', quotas.storeBytes, bytes, "the world's state (scope world)");
  kv.set(key, value);
}

function changed(ctx: CallContext, scope: StoreScope, key: string, op: 'store' | 'delete'): void {
  const source = callerId(ctx.caller);
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
      const kv = worldKv(ctx, args);
      if (kv && ttl !== undefined) throw new KernelError(ErrorCode.BAD_REQUEST, "STORE: ttl_ms is not supported in scope 'world' (world state lives on the world's clock and in its snapshots)");
      if (kv) setWorldValue(ctx, kv, key, args.value ?? null);
      else storeValue(ctx, ns, scope, key, args.value ?? null, ttl);
      changed(ctx, scope, key, 'store');
      return { stored: true };
    },
  },
  {
    op: 'FETCH',
    access: 'authenticated',
    handle(ctx, args) {
      const { ns } = namespace(ctx, args);
      const key = str('FETCH', args, 'key');
      const kv = worldKv(ctx, args);
      if (kv) return kv.has(key) ? { found: true, value: kv.get(key) } : { found: false, value: null };
      return ctx.kernel.store.get(ns, key);
    },
  },
  {
    op: 'DELETE',
    access: 'authenticated',
    handle(ctx, args) {
      const { ns, scope } = namespace(ctx, args);
      const key = str('DELETE', args, 'key');
      const kv = worldKv(ctx, args);
      const deleted = kv ? kv.delete(key) : ctx.kernel.store.delete(ns, key);
      if (deleted) changed(ctx, scope, key, 'delete');
      return { deleted };
    },
  },
  {
    op: 'KEYS',
    access: 'authenticated',
    handle(ctx, args) {
      const { ns } = namespace(ctx, args);
      const prefix = optStr('KEYS', args, 'prefix') ?? '';
      const kv = worldKv(ctx, args);
      return { keys: kv ? kv.keys(prefix).sort() : ctx.kernel.store.keys(ns, prefix) };
    },
  },
);
