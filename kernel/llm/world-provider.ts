import type { World } from '../../worlds/index.js';
import { LlmFailedError } from '../../worlds/errors.js';
import { llmFailure, type LlmFailureKind } from './failure.js';
import type { CallerContext, Completion, LlmProvider, ThinkRequest } from './provider.js';

/** World LLM calls run side by side: their latency is the world's to model, on its clock. */
const WORLD_CONCURRENCY = 64;

/**
 * A world's scripted LLM as a provider of the kernel's scheduler. It reads the world's current
 * LLM on each call, so an in-place restore is followed.
 */
export class WorldLlmProvider implements LlmProvider {
  readonly concurrency = WORLD_CONCURRENCY;

  constructor(private readonly world: () => World) {}

  get name(): string {
    return this.world().llm.provider;
  }

  async complete(request: ThinkRequest, signal: AbortSignal, context: CallerContext = {}): Promise<Completion> {
    const llm = this.world().llm;
    try {
      const { rule: _rule, ...answer } = await llm.complete(request, { ...(context.agent !== undefined ? { agent: context.agent } : {}), ...(context.name !== undefined ? { label: context.name } : {}), signal });
      return answer;
    } catch (error) {
      if (error instanceof LlmFailedError) {
        throw llmFailure(llm.provider, error.kind as LlmFailureKind, error.message, { status: error.status, ...(error.retryAfterMs !== undefined ? { retry_after_ms: error.retryAfterMs } : {}) });
      }
      throw error;
    }
  }
}
