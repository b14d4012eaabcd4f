import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { bad, optInt, optNum, optStr, type Args } from '../args.js';
import { KernelError } from '../errors.js';
import type { ChatMessage, ThinkRequest } from '../llm/provider.js';
import { checkLlm } from '../permissions/index.js';
import { callerLabel, syscalls } from '../syscall.js';

const ROLES = new Set(['system', 'user', 'assistant']);

function messages(args: Args): ChatMessage[] {
  const raw = args.messages;
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw) || raw.length === 0) throw bad('THINK', 'messages', 'a non-empty array of {role, content}', raw);
    return raw.map((m, i) => {
      const entry = m as { role?: unknown; content?: unknown };
      if (!entry || typeof entry.role !== 'string' || !ROLES.has(entry.role) || typeof entry.content !== 'string') {
        throw bad('THINK', `messages[${i}]`, '{role: system|user|assistant, content: string}', m);
      }
      return { role: entry.role as ChatMessage['role'], content: entry.content };
    });
  }
  const prompt = optStr('THINK', args, 'prompt');
  if (!prompt) throw bad('THINK', 'prompt', 'a non-empty string (or give messages)', args.prompt);
  const system = optStr('THINK', args, 'system');
  return [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }];
}

export const thinkSyscalls = syscalls({
  op: 'THINK',
  access: 'authenticated',
  async handle(ctx, args) {
    const request: ThinkRequest = { messages: messages(args) };
    const model = optStr('THINK', args, 'model');
    if (model) request.model = model;
    const maxTokens = optInt('THINK', args, 'max_tokens', 1, 1_000_000);
    if (maxTokens !== undefined) request.max_tokens = maxTokens;
    const temperature = optNum('THINK', args, 'temperature', 0, 2);
    if (temperature !== undefined) request.temperature = temperature;
    const caller = ctx.caller;
    if (caller.role === 'agent') {
      const usage = caller.agent.llmUsage;
      const decision = checkLlm(caller.agent.permissions, { ...usage, requested: maxTokens ?? 0 });
      if (!decision.allowed) {
        const error = ctx.kernel.denied(ctx, `THINK (${usage.calls} calls, ${usage.tokens} tokens used)`, decision.rule, decision.reason);
        // Not allowed at all is a permission denial; over a quota is its own, retry-later kind.
        if (decision.rule === 'llm.allowed') throw error;
        throw new KernelError(ErrorCode.LLM_QUOTA_EXCEEDED, error.message, error.details);
      }
    }
    const result = await ctx.kernel.llm.submit(callerLabel(caller), request, ctx.signal);
    if (caller.role === 'agent') {
      caller.agent.llmUsage.calls++;
      caller.agent.llmUsage.tokens += result.usage.total_tokens;
    }
    return result;
  },
});
