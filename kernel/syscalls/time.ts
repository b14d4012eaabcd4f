import { optInt } from '../args.js';
import { longTimeout } from '../long-timer.js';
import { callerId } from '../caller.js';
import { syscalls } from '../syscall.js';

const MAX_SLEEP_MS = 365 * 24 * 3600 * 1000;

export const timeSyscalls = syscalls(
  {
    op: 'TIME',
    access: 'authenticated',
    handle(ctx, args) {
      const hosted = ctx.kernel.worlds.worldOf(ctx, args);
      if (!hosted) {
        const now = Date.now();
        return { now_ms: now, iso: new Date(now).toISOString(), world: null, clock_mode: 'host' };
      }
      const now = hosted.world.now();
      return { now_ms: now, iso: new Date(now).toISOString(), world: hosted.name, clock_mode: hosted.world.describe().clockMode, elapsed_ms: hosted.world.clock.elapsed() };
    },
  },
  {
    op: 'SLEEP',
    access: 'authenticated',
    async handle(ctx, args) {
      const ms = optInt('SLEEP', args, 'ms', 0, MAX_SLEEP_MS) ?? 0;
      const hosted = ctx.kernel.worlds.worldOf(ctx, args);
      const started = hosted ? hosted.world.now() : Date.now();
      if (hosted) {
        const agent = callerId(ctx.caller);
        await hosted.world.sleep(ms, { ...(agent !== null ? { agent } : {}), signal: ctx.kernel.worlds.waitSignal(ctx) });
      } else {
        await new Promise<void>((resolve) => {
          // Chained: a single setTimeout of 2^31 ms or more fires after 1 ms.
          const cancel = longTimeout(ms, resolve);
          ctx.signal.addEventListener('abort', () => {
            cancel();
            resolve();
          }, { once: true });
        });
      }
      const now = hosted ? hosted.world.now() : Date.now();
      return { slept_ms: now - started, now_ms: now, world: hosted?.name ?? null };
    },
  },
);
