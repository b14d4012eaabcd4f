import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { EVENT_TYPES, type EventType } from '../../sdk/types.js';
import { bad, optBool, optInt, optStr, type Args } from '../args.js';
import { callerId } from '../caller.js';
import { KernelError } from '../errors.js';
import type { Subscription } from '../event-bus.js';
import { quotaExceeded, sizeOf } from '../quota/index.js';
import { MAX_WAIT_MS, syscalls, type CallContext } from '../syscall.js';

/** Defaults of POLL_EVENTS. */
const POLL_DEFAULTS = {
  /** Events returned at most. @default 100 */
  max: 100,
  /** Largest `max` a call may ask for. @default 10_000 */
  maxMax: 10_000,
} as const;

function types(ctx: CallContext, args: Args): Array<EventType | '*'> {
  const raw = args.types ?? ['*'];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list)) throw bad(ctx.op, 'types', 'an array of event type names', raw);
  for (const t of list) {
    if (t !== '*' && !EVENT_TYPES.includes(t as EventType)) {
      throw new KernelError(ErrorCode.EVENT_TYPE_INVALID, `${ctx.op}: unknown event type ${JSON.stringify(t)}; known types: ${EVENT_TYPES.join(', ')} or "*"`);
    }
  }
  return list as Array<EventType | '*'>;
}

/** The connection's subscription; an agent's queue is bounded by its event_queue_bytes quota. */
function subscription(ctx: CallContext): Subscription {
  if (ctx.conn.subscription) return ctx.conn.subscription;
  const sub = ctx.kernel.events.subscribe(ctx.kernel.quotaFor(ctx.caller, 'eventQueueBytes').limit);
  const conn = ctx.conn;
  // A world's events (its timeline, and what its agents do) reach its members and operators only;
  // judged on delivery, by whoever the connection is then.
  sub.visible = (world) => {
    const caller = conn.caller;
    if (world === null || caller.role === 'operator') return true;
    return caller.role === 'agent' && (caller.agent.record.world === world || caller.agent.grants.has('worlds'));
  };
  conn.subscription = sub;
  return sub;
}

/** EMIT under quotas: the size of its data (event_bytes) and the caller's rate (emit_rate). */
function checkEmit(ctx: CallContext, data: unknown): void {
  const quotas = ctx.kernel.options.quotas;
  const size = sizeOf(data);
  if (size > quotas.eventBytes) throw quotaExceeded('EMIT', 'eventBytes', quotas.eventBytes, size, 'the event data');
  const rate = ctx.kernel.quotaFor(ctx.caller, 'emitRate');
  const key = ctx.caller.role === 'agent' ? `agent:${ctx.caller.agent.id}` : `conn:${ctx.conn.id}`;
  if (!ctx.kernel.emitLimiter.take(key, rate.limit)) {
    throw quotaExceeded('EMIT', 'emitRate', rate.limit, rate.limit + 1, 'events emitted in the last second', rate.scope === 'agent' ? 'agent' : 'kernel');
  }
}

export const eventSyscalls = syscalls(
  {
    op: 'SUBSCRIBE',
    access: 'authenticated',
    handle(ctx, args) {
      const wanted = types(ctx, args);
      const push = optBool('SUBSCRIBE', args, 'push');
      const sub = subscription(ctx);
      for (const t of wanted) sub.types.add(t);
      if (push) {
        ctx.conn.setPushCodec(ctx.codec);
        sub.push = (event) => ctx.conn.pushEvent(event);
      } else if (push === false) {
        sub.push = null;
      }
      return { subscribed: [...sub.types].sort() };
    },
  },
  {
    op: 'UNSUBSCRIBE',
    access: 'authenticated',
    handle(ctx, args) {
      const sub = ctx.conn.subscription;
      if (!sub) return { subscribed: [] };
      for (const t of types(ctx, args)) {
        if (t === '*') sub.types.clear();
        else sub.types.delete(t);
      }
      return { subscribed: [...sub.types].sort() };
    },
  },
  {
    op: 'POLL_EVENTS',
    access: 'authenticated',
    async handle(ctx, args) {
      const max = optInt('POLL_EVENTS', args, 'max', 1, POLL_DEFAULTS.maxMax) ?? POLL_DEFAULTS.max;
      const timeout = optInt('POLL_EVENTS', args, 'timeout_ms', 0, MAX_WAIT_MS) ?? 0;
      const sub = ctx.conn.subscription;
      if (!sub) {
        throw new KernelError(ErrorCode.BAD_REQUEST, 'POLL_EVENTS: this connection has no subscription; call SUBSCRIBE with the event types first');
      }
      const events = await ctx.kernel.worlds.blocking(ctx, sub.poll(max, timeout, ctx.signal));
      return { events, dropped: sub.dropped };
    },
  },
  {
    op: 'EMIT',
    access: 'authenticated',
    handle(ctx, args) {
      const type = optStr('EMIT', args, 'type') ?? 'CUSTOM';
      if (type !== 'CUSTOM') {
        throw new KernelError(ErrorCode.EVENT_TYPE_INVALID, `EMIT: only CUSTOM events may be emitted by clients (got ${JSON.stringify(type)}); the kernel emits the others itself`);
      }
      const name = optStr('EMIT', args, 'name') ?? optStr('EMIT', args, 'event') ?? 'custom';
      const raw = args.data;
      const data = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Args) : raw === undefined || raw === null ? {} : { value: raw };
      checkEmit(ctx, data);
      const source = callerId(ctx.caller);
      const event = ctx.kernel.events.publish('CUSTOM', source, { ...data, name });
      return { seq: event.seq };
    },
  },
);
