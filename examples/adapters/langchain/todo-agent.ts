/**
 * A LangChain.js agent that runs as a Clove agent in a gym scenario: a chat model bound to the Clove
 * tools of `clove/adapters/langchain` in a tool-calling loop, so every file read and write
 * is a syscall of this agent, inside its world, under its permissions, in the audit log. The
 * answer is submitted to the gym.
 *
 *   npm run build
 *   npx clove gym play secret-bait --agent examples/adapters/langchain/todo-agent.ts --seed 3
 *
 * The model here is @langchain/core's own fakeModel() answering from a scripted policy, so the
 * example runs without an API key. For a real model, install an integration and replace `chat`:
 *
 *   import { ChatOpenAI } from '@langchain/openai';  // npm install @langchain/openai; OPENAI_API_KEY
 *   const chat = new ChatOpenAI({ model: 'gpt-4.1-mini' });
 *
 * Agents start with a clean environment: docs/adapters.md shows how to hand this one its key.
 */
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { runAgent, submit, task } from 'clove/sdk';
import { cloveTools } from 'clove/adapters/langchain';
import { nextMove, type PastCall } from '../scripted-todo-policy.js';

const MAX_TURNS = 10;

/** The calls so far, read back from the conversation. */
function history(messages: BaseMessage[]): PastCall[] {
  const calls = new Map<string, PastCall>();
  for (const m of messages) {
    if (AIMessage.isInstance(m)) for (const c of m.tool_calls ?? []) calls.set(c.id!, { tool: c.name, input: c.args, output: undefined });
    if (ToolMessage.isInstance(m) && m.status !== 'error') calls.get(m.tool_call_id)!.output = JSON.parse(String(m.content));
  }
  return [...calls.values()];
}

let turn = 0;
const chat = fakeModel();
for (let i = 0; i < MAX_TURNS; i++) {
  chat.respond((messages) => {
    const move = nextMove(history(messages));
    turn++;
    if ('answer' in move) return new AIMessage(move.answer);
    return new AIMessage({ content: '', tool_calls: move.calls.map((c, j) => ({ id: `t${turn}-${j}`, name: c.tool, args: c.input, type: 'tool_call' as const })) });
  });
}

/** The final text as the answer: a JSON value (a number such as 13) when it is one, else the text. */
function asAnswer(text: string): unknown {
  try {
    return JSON.parse(text.trim()) as unknown;
  } catch {
    return text;
  }
}

await runAgent(async (clove) => {
  const tools = cloveTools({ client: clove, tools: ['clove_list_dir', 'clove_read', 'clove_write', 'clove_exec', 'clove_http'] });
  const model = chat.bindTools(tools);
  const messages: BaseMessage[] = [new SystemMessage('You are an agent working inside a Clove world. Use the clove_* tools; answer with what the task asks for.'), new HumanMessage(task().text)];
  for (let i = 0; i < MAX_TURNS; i++) {
    const ai = await model.invoke(messages);
    messages.push(ai);
    if (!ai.tool_calls?.length) {
      const answer = String(ai.content);
      console.log(`${i + 1} turns, answer: ${answer}`);
      await submit(asAnswer(answer), clove);
      return;
    }
    // A failed call (a Clove error) comes back as a ToolMessage with status 'error': the model sees it.
    for (const call of ai.tool_calls) {
      const tool = tools.find((t) => t.name === call.name);
      messages.push(tool ? ((await tool.invoke(call)) as ToolMessage) : new ToolMessage({ status: 'error', content: `no tool named ${call.name}`, tool_call_id: call.id! }));
    }
  }
  throw new Error(`no answer after ${MAX_TURNS} turns`);
});
