import { tool } from './action.js';

export const sleep = tool({
  name: 'sleep',
  description: 'Waits on the world clock (a discrete clock jumps: no wall time passes).',
  args: { type: 'object', properties: { ms: { type: 'integer', minimum: 0, maximum: 30 * 24 * 3600 * 1000 } }, required: ['ms'], additionalProperties: false },
  async run(ctx, args) {
    const before = ctx.world.now();
    await ctx.world.sleep(args.ms, { agent: ctx.agent });
    return { slept_ms: ctx.world.now() - before };
  },
});
