import type { CloveClient, LlmMessage, LlmToolCall, ThinkOptions, ThinkResult } from '../sdk/index.js';
import { AGENT_TOOL_NAMES, AGENT_TOOLS, runTool, type AgentToolName } from './tools.js';

/** The task an agent is given: text, or the gym's Task (its `text`, and `tools` to narrow the tool set). */
export interface AgentTask {
  text: string;
  tools?: readonly string[];
  [key: string]: unknown;
}

export interface AgenticLoopOptions {
  /** The system prompt. Default: {@link DEFAULT_SYSTEM_PROMPT}. */
  system?: string;
  /** Tools offered (done is always offered). Default: all, narrowed by the task's `tools`. */
  tools?: readonly AgentToolName[];
  /** Model turns before giving up. Default 20. */
  maxIterations?: number;
  /** Total tokens (prompt + completion, as THINK reports them) before giving up. Default unlimited. */
  tokenBudget?: number;
  model?: string;
  temperature?: number;
  /** Per THINK call. */
  maxTokens?: number;
  /** Retries of a THINK that failed with rate_limit, server_error, timeout or outage (waiting on the kernel's clock, so on a world's clock in a world). Default 3. */
  llmRetries?: number;
  /** Tool results longer than this are cut (characters). Default 8000. */
  maxToolResultChars?: number;
  /** Called after every step (a model turn or a tool call). */
  onStep?: (step: AgentStep) => void;
}

export type AgentStep =
  | { type: 'think'; iteration: number; content: string; toolCalls: LlmToolCall[]; tokens: number }
  | { type: 'tool'; iteration: number; name: string; arguments: Record<string, unknown>; ok: boolean; result: unknown }
  | { type: 'llm_error'; iteration: number; code: string; kind: string | undefined; message: string };

/** How a run ended: `done` (the model called done), or why it stopped without. */
export type AgentStatus = 'done' | 'max_iterations' | 'token_budget' | 'llm_failed';

export interface AgentRunResult {
  status: AgentStatus;
  /** The `answer` given to done. */
  answer?: unknown;
  summary?: string;
  iterations: number;
  tokens: number;
  /** The whole conversation (system, task, model turns, tool results). */
  history: LlmMessage[];
  steps: AgentStep[];
  error?: string;
}

export const DEFAULT_SYSTEM_PROMPT =
  'You are an autonomous agent working inside a Clove environment. Solve the task with the tools: ' +
  'inspect before you change, make the smallest change that works, and check your result. ' +
  'When the task is complete, call done with the answer the task asks for (if any).';

const RETRYABLE = new Set(['rate_limit', 'server_error', 'timeout', 'outage']);

/**
 * The LLM agent loop: ask the model (THINK with tools), run the tool calls it makes, feed the
 * results back, until it calls `done`, runs out of iterations or of its token budget.
 *
 * @example
 * const client = await connectAgent();
 * const result = await new AgenticLoop(client, { maxIterations: 10 }).run({ text: 'Fix /project/config.json' });
 * console.log(result.status, result.answer);
 */
export class AgenticLoop {
  private readonly options: Required<Pick<AgenticLoopOptions, 'system' | 'maxIterations' | 'llmRetries' | 'maxToolResultChars'>> & AgenticLoopOptions;

  constructor(
    private readonly client: CloveClient,
    options: AgenticLoopOptions = {},
  ) {
    this.options = { system: DEFAULT_SYSTEM_PROMPT, maxIterations: 20, llmRetries: 3, maxToolResultChars: 8000, ...options };
  }

  /** The tools offered for a task: the options' or all, narrowed by the task's list, plus done. */
  toolsFor(task: AgentTask): AgentToolName[] {
    let names: AgentToolName[] = [...(this.options.tools ?? AGENT_TOOL_NAMES)];
    if (task.tools?.length) names = names.filter((n) => n === 'done' || task.tools!.includes(n));
    if (!names.includes('done')) names.push('done');
    return names;
  }

  async run(input: string | AgentTask): Promise<AgentRunResult> {
    const task: AgentTask = typeof input === 'string' ? { text: input } : input;
    const tools = this.toolsFor(task).map((n) => AGENT_TOOLS[n]);
    const history: LlmMessage[] = [
      { role: 'system', content: this.options.system },
      { role: 'user', content: task.text },
    ];
    const steps: AgentStep[] = [];
    const step = (s: AgentStep) => {
      steps.push(s);
      this.options.onStep?.(s);
    };
    let tokens = 0;
    const end = (status: AgentStatus, iterations: number, extra: Partial<AgentRunResult> = {}): AgentRunResult => ({ status, iterations, tokens, history, steps, ...extra });

    for (let iteration = 1; iteration <= this.options.maxIterations; iteration++) {
      if (this.options.tokenBudget !== undefined && tokens >= this.options.tokenBudget) return end('token_budget', iteration - 1);
      const request: ThinkOptions = {
        messages: history,
        tools,
        toolChoice: 'auto',
        ...(this.options.model ? { model: this.options.model } : {}),
        ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
        ...(this.options.maxTokens !== undefined ? { maxTokens: this.options.maxTokens } : {}),
      };
      let answer: ThinkResult;
      try {
        answer = await this.think(request, iteration, step);
      } catch (error) {
        const e = error as { code?: string; message?: string };
        return end('llm_failed', iteration, { error: `${e.code ?? 'ERROR'}: ${e.message ?? String(error)}` });
      }
      tokens += answer.usage.totalTokens;
      history.push({ role: 'assistant', content: answer.content || null, ...(answer.toolCalls.length ? { toolCalls: answer.toolCalls } : {}) });
      step({ type: 'think', iteration, content: answer.content, toolCalls: answer.toolCalls, tokens: answer.usage.totalTokens });
      if (answer.toolCalls.length === 0) {
        if (!answer.content) history.pop();
        history.push({ role: 'user', content: 'Continue with a tool call; call done when the task is complete.' });
        continue;
      }
      for (const call of answer.toolCalls) {
        if (call.name === 'done') {
          history.push({ role: 'tool', toolCallId: call.id, name: 'done', content: '{"ok":true}' });
          step({ type: 'tool', iteration, name: 'done', arguments: call.arguments, ok: true, result: call.arguments.answer ?? null });
          return end('done', iteration, { ...(call.arguments.answer !== undefined ? { answer: call.arguments.answer } : {}), ...(typeof call.arguments.summary === 'string' ? { summary: call.arguments.summary } : {}) });
        }
        const offered = tools.some((t) => t.name === call.name);
        const outcome = offered ? await runTool(this.client, call.name, call.arguments) : { ok: false as const, error: { code: 'UNKNOWN_TOOL', message: `tool '${call.name}' is not available here (tools: ${tools.map((t) => t.name).join(', ')})` } };
        const shown = outcome.ok ? outcome.result : { error: outcome.error.code, message: outcome.error.message };
        let text = JSON.stringify(shown);
        if (text.length > this.options.maxToolResultChars) text = `${text.slice(0, this.options.maxToolResultChars)}... [cut at ${this.options.maxToolResultChars} characters]`;
        history.push({ role: 'tool', toolCallId: call.id, name: call.name, content: text });
        step({ type: 'tool', iteration, name: call.name, arguments: call.arguments, ok: outcome.ok, result: shown });
      }
    }
    return end('max_iterations', this.options.maxIterations);
  }

  /** THINK, retrying passing failures after the delay the provider asked for (or a backoff). */
  private async think(request: ThinkOptions, iteration: number, step: (s: AgentStep) => void): Promise<ThinkResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client.think(request);
      } catch (error) {
        const e = error as { code?: string; message?: string; details?: { kind?: string; retry_after_ms?: number } };
        const kind = e.details?.kind;
        step({ type: 'llm_error', iteration, code: e.code ?? 'ERROR', kind, message: e.message ?? String(error) });
        if (e.code !== 'LLM_FAILED' || !kind || !RETRYABLE.has(kind) || attempt >= this.options.llmRetries) throw error;
        await this.client.sleep(e.details?.retry_after_ms ?? 1000 * 2 ** attempt);
      }
    }
  }
}
