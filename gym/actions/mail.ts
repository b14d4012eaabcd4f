import { tool, ToolFailureError } from './action.js';

export const send = tool({
  name: 'send',
  description: 'Sends a message to another agent of the episode.',
  args: { type: 'object', properties: { to: { type: 'string', minLength: 1, maxLength: 64 }, message: {} }, required: ['to', 'message'], additionalProperties: false },
  async run(ctx, args) {
    ctx.outputs.push(typeof args.message === 'string' ? args.message : JSON.stringify(args.message));
    if (!ctx.mail.send(ctx.agent, args.to, args.message)) throw new ToolFailureError('AGENT_NOT_FOUND', `send: no agent named '${args.to}' in this episode`);
    return { delivered: true };
  },
});

export const recv = tool({
  name: 'recv',
  description: 'Receives the next message for this agent, waiting up to timeout_ms on the world clock (default 0).',
  args: { type: 'object', properties: { timeout_ms: { type: 'integer', minimum: 0, maximum: 24 * 3600 * 1000 } }, additionalProperties: false },
  async run(ctx, args) {
    const got = await ctx.mail.recv(ctx.agent, args.timeout_ms ?? 0);
    return got === null ? { from: null, message: null } : { from: got.from, message: got.message };
  },
});
