import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { ThinkResult } from '../../sdk/types.js';
import { KernelError } from '../errors.js';
import { parseThinkRequest } from '../llm/request.js';
import { llmUsageOf } from '../llm/usage.js';
import { WorldLlmProvider } from '../llm/world-provider.js';
import { checkLlm } from '../permissions/index.js';
import { callerLabel, syscalls } from '../syscall.js';
import type { HostedWorld } from '../worlds/hosted-world.js';
import { callerAgent } from '../caller.js';

const worldProviders = new WeakMap<HostedWorld, WorldLlmProvider>();

function worldProvider(hosted: HostedWorld): WorldLlmProvider {
  let provider = worldProviders.get(hosted);
  if (!provider) worldProviders.set(hosted, (provider = new WorldLlmProvider(() => hosted.world)));
  return provider;
}

export const thinkSyscalls = syscalls({
  op: 'THINK',
  access: 'authenticated',
  stringPayload: 'prompt',
  async handle(ctx, args): Promise<ThinkResult> {
    const request = parseThinkRequest(args);
    const caller = ctx.caller;
    // An agent in a world asks the world's LLM (unless the world passes through); so does a call naming a world.
    const hosted = ctx.kernel.worlds.worldOf(ctx, args);
    const llm = hosted?.world.llm;
    const usage = caller.role === 'agent' ? llmUsageOf(caller.agent) : undefined;
    if (caller.role === 'agent' && usage) {
      const counted = caller.agent.llmUsage;
      // Calls already admitted count too: a burst of concurrent calls cannot overrun max_calls.
      const decision = checkLlm(caller.agent.permissions, { calls: counted.calls + usage.inFlight, tokens: counted.tokens, requested: request.max_tokens ?? 0 });
      if (!decision.allowed) {
        const error = ctx.kernel.denied(ctx, `THINK (${counted.calls} calls, ${counted.tokens} tokens used)`, decision.rule, decision.reason);
        // Not allowed at all is a permission denial; over a quota is its own, retry-later kind.
        if (decision.rule === 'llm.allowed') throw error;
        throw new KernelError(ErrorCode.LLM_QUOTA_EXCEEDED, error.message, error.details);
      }
      usage.inFlight++;
    }
    try {
      const submitted = ctx.kernel.llm.submit({
        caller: callerLabel(caller),
        weight: caller.role === 'agent' ? caller.agent.permissions.llm.weight : 1,
        ...(hosted && llm?.mode === 'mock' ? { provider: worldProvider(hosted) } : {}),
        request,
        signal: hosted ? ctx.kernel.worlds.waitSignal(ctx) : ctx.signal,
        context: caller.role === 'agent' ? { agent: caller.agent.id, name: caller.agent.name } : {},
      });
      // Waiting for a model is waiting: a discrete world clock may move on meanwhile.
      const result = hosted ? await ctx.kernel.worlds.blocking(ctx, submitted) : await submitted;
      if (llm?.mode === 'passthrough') {
        llm.recordPassthrough(request, callerAgent(caller)?.name ?? null, { content: result.content, tool_calls: result.tool_calls, tokens: result.usage.total_tokens, latency_ms: result.latency_ms });
      }
      if (caller.role === 'agent' && usage) {
        caller.agent.llmUsage.calls++;
        caller.agent.llmUsage.tokens += result.usage.total_tokens;
        usage.record(result);
      }
      return {
        success: true,
        content: result.content,
        text: result.content,
        tool_calls: result.tool_calls,
        finish_reason: result.finish_reason,
        model: result.model,
        provider: result.provider,
        usage: result.usage,
        tokens: result.usage.total_tokens,
        queue_ms: result.queue_ms,
        latency_ms: result.latency_ms,
      };
    } catch (error) {
      if (usage) usage.failures++;
      if (llm?.mode === 'passthrough') llm.recordPassthrough(request, callerAgent(caller)?.name ?? null, { error: (error as Error).message });
      throw error;
    } finally {
      if (usage) usage.inFlight--;
    }
  },
});
