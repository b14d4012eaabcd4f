/**
 * @module
 * `clove/adapters/ai-sdk`: Clove syscalls as tools for the Vercel AI SDK (`ai` v5 or v6, an optional
 * peer dependency). The tools act as the connected client: inside a Clove agent, with the agent's
 * permissions, sandbox, world and audit trail. A refused or failed call comes back to the model as
 * a tool error whose text starts with the Clove code (`PERM_DENIED: write of /etc/x is denied ...`).
 * See docs/adapters.md.
 *
 * @example
 * import { generateText, stepCountIs } from 'ai';
 * import { runAgent, task } from 'clove/sdk';
 * import { cloveTools } from 'clove/adapters/ai-sdk';
 *
 * await runAgent(async (clove) => {
 *   const { text } = await generateText({
 *     model, // any AI SDK model, e.g. openai('gpt-4.1-mini')
 *     tools: cloveTools({ client: clove }),
 *     stopWhen: stepCountIs(20),
 *     prompt: task().text,
 *   });
 * });
 */
import { tool, type Tool, type ToolSet } from 'ai';
import { runTool, selectSpecs, type CloveToolName, type CloveToolsOptions } from '../tool-specs.js';

export { CLOVE_TOOL_NAMES, CloveToolError, cloveToolJsonSchemas, type CloveToolName, type CloveToolsOptions } from '../tool-specs.js';

/**
 * The Clove tools as an AI SDK `ToolSet` (`generateText({ tools })`, `streamText`, agents). Each
 * tool's `execute` makes one syscall; a Clove error is thrown as a `CloveToolError`, which the AI
 * SDK turns into a `tool-error` part and hands to the model as the tool's error result.
 */
export function cloveTools(options: CloveToolsOptions = {}): ToolSet & Partial<Record<CloveToolName, Tool>> {
  const tools: ToolSet = {};
  for (const spec of selectSpecs(options.tools)) {
    tools[spec.name] = tool({
      description: spec.description,
      inputSchema: spec.schema,
      execute: (input: Record<string, unknown>) => runTool(spec, input, options),
    } as Tool<Record<string, unknown>, unknown>);
  }
  return tools;
}
