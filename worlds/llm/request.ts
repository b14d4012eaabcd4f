import type { LlmMessage, LlmTool, LlmToolChoice } from '../../sdk/types.js';

/** A THINK request as the world sees it (the kernel's validated request has this shape). */
export interface WorldLlmRequest {
  messages: LlmMessage[];
  tools?: LlmTool[];
  tool_choice?: LlmToolChoice;
  model?: string;
  max_tokens?: number;
  temperature?: number;
  stop?: string[];
  seed?: number;
}
