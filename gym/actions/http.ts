import { tool } from './action.js';

export const http = tool({
  name: 'http',
  description: "An HTTP request on the world's network (mocks, faults and latency on the world clock).",
  args: {
    type: 'object',
    properties: {
      url: { type: 'string', minLength: 1, maxLength: 8192, pattern: '^https?://' },
      method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: { type: 'string' },
    },
    required: ['url'],
    additionalProperties: false,
  },
  async run(ctx, args) {
    ctx.usage.httpRequests++;
    if (args.body !== undefined) ctx.outputs.push(args.body);
    ctx.outputs.push(args.url);
    const response = await ctx.world.fetch({ url: args.url, method: args.method ?? 'GET', headers: args.headers ?? {}, body: args.body ?? null }, { agent: ctx.agent });
    ctx.usage.bytesRead += response.body.length;
    return { status: response.status, headers: response.headers, body: response.body.toString('utf8') };
  },
});
