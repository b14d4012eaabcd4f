import { tool } from './action.js';

export const think = tool({
  name: 'think',
  description: "Asks the kernel's LLM (the deterministic mock by default); counts calls and tokens.",
  args: {
    type: 'object',
    properties: { prompt: { type: 'string', minLength: 1, maxLength: 1024 * 1024 }, system: { type: 'string' } },
    required: ['prompt'],
    additionalProperties: false,
  },
  async run(ctx, args) {
    const reply = await ctx.think(args.prompt, args.system);
    ctx.usage.llmCalls++;
    ctx.usage.promptTokens += reply.promptTokens;
    ctx.usage.completionTokens += reply.completionTokens;
    return { content: reply.content, tokens: reply.promptTokens + reply.completionTokens };
  },
});
