import { tool } from './action.js';

export const exec = tool({
  name: 'exec',
  description: "Runs a command in a copy of the world's tree, sandboxed; what it writes is synced back into the world.",
  args: {
    type: 'object',
    properties: {
      command: { type: 'string', minLength: 1, maxLength: 65536 },
      args: { type: 'array', items: { type: 'string', maxLength: 65536 }, maxItems: 1024 },
      cwd: { type: 'string', minLength: 1, maxLength: 4096 },
      timeout_ms: { type: 'integer', minimum: 1, maximum: 600_000 },
    },
    required: ['command'],
    additionalProperties: false,
  },
  async run(ctx, args) {
    const result = await ctx.exec({ command: args.command, ...(args.args ? { args: args.args } : {}), cwd: args.cwd ?? '/', timeoutMs: args.timeout_ms ?? 30_000 });
    ctx.outputs.push(result.stdout, result.stderr);
    return result;
  },
});
