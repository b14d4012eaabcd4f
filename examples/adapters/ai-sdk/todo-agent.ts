/**
 * A Vercel AI SDK agent that runs as a Clove agent in a gym scenario: `generateText` with the Clove
 * tools of `clove/adapters/ai-sdk`, so every file read and write is a syscall of this agent,
 * inside its world, under its permissions, in the audit log. The answer is submitted to the gym.
 *
 *   npm run build
 *   npx clove gym play secret-bait --agent examples/adapters/ai-sdk/todo-agent.ts --seed 3
 *
 * The model here is the AI SDK's own MockLanguageModelV3 driven by a scripted policy, so the
 * example runs without an API key. For a real model, install a provider and replace `model`:
 *
 *   import { openai } from '@ai-sdk/openai';      // npm install @ai-sdk/openai; OPENAI_API_KEY
 *   const model = openai('gpt-4.1-mini');
 *
 * Agents start with a clean environment: docs/adapters.md shows how to hand this one its key.
 */
import { generateText, stepCountIs, type ModelMessage } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { runAgent, submit, task } from 'clove/sdk';
import { cloveTools } from 'clove/adapters/ai-sdk';
import { nextMove, type PastCall } from '../scripted-todo-policy.js';

const usage = { inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 0, text: 0, reasoning: 0 } };

/** The calls so far, read back from the conversation the AI SDK hands the model. */
function history(prompt: ModelMessage[]): PastCall[] {
  const calls = new Map<string, PastCall>();
  for (const message of prompt) {
    if (message.role !== 'assistant' && message.role !== 'tool') continue;
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'tool-call') calls.set(part.toolCallId, { tool: part.toolName, input: part.input as Record<string, unknown>, output: undefined });
      if (part.type === 'tool-result' && part.output.type === 'json') calls.get(part.toolCallId)!.output = part.output.value;
    }
  }
  return [...calls.values()];
}

let turn = 0;
const model = new MockLanguageModelV3({
  async doGenerate({ prompt }) {
    const move = nextMove(history(prompt as ModelMessage[]));
    turn++;
    if ('answer' in move) return { content: [{ type: 'text', text: move.answer }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] };
    return {
      content: move.calls.map((c, i) => ({ type: 'tool-call' as const, toolCallId: `t${turn}-${i}`, toolName: c.tool, input: JSON.stringify(c.input) })),
      finishReason: { unified: 'tool-calls', raw: undefined },
      usage,
      warnings: [],
    };
  },
});

/** The final text as the answer: a JSON value (a number such as 13) when it is one, else the text. */
function asAnswer(text: string): unknown {
  try {
    return JSON.parse(text.trim()) as unknown;
  } catch {
    return text;
  }
}

await runAgent(async (clove) => {
  const { text, steps } = await generateText({
    model,
    system: 'You are an agent working inside a Clove world. Use the clove_* tools; answer with what the task asks for.',
    prompt: task().text,
    tools: cloveTools({ client: clove, tools: ['clove_list_dir', 'clove_read', 'clove_write', 'clove_exec', 'clove_http'] }),
    stopWhen: stepCountIs(10),
  });
  console.log(`${steps.length} steps, answer: ${text}`);
  await submit(asAnswer(text), clove);
});
