/**
 * @module
 * `clove/adapters/langchain`: Clove syscalls as LangChain.js tools (`@langchain/core` v1, an optional
 * peer dependency). The tools act as the connected client: inside a Clove agent, with the agent's
 * permissions, sandbox, world and audit trail. Invoked with a tool call (`tool.invoke(toolCall)`),
 * a refused or failed call returns a `ToolMessage` with `status: 'error'`, the Clove code and
 * message as its content and `{ code, message, tool }` as its artifact; invoked with plain input it
 * throws a `CloveToolError`. See docs/adapters.md.
 *
 * @example
 * import { runAgent, task } from 'clove/sdk';
 * import { cloveTools } from 'clove/adapters/langchain';
 *
 * await runAgent(async (clove) => {
 *   const tools = cloveTools({ client: clove });
 *   const model = chatModel.bindTools(tools); // any LangChain chat model with tool calling
 *   const ai = await model.invoke(task().text);
 *   for (const call of ai.tool_calls ?? []) {
 *     const message = await tools.find((t) => t.name === call.name)!.invoke(call);
 *   }
 * });
 */
import { ToolMessage } from '@langchain/core/messages';
import { tool, type DynamicStructuredTool } from '@langchain/core/tools';
import { runTool, selectSpecs, toToolError, type CloveToolsOptions } from '../tool-specs.js';

export { CLOVE_TOOL_NAMES, CloveToolError, cloveToolJsonSchemas, type CloveToolName, type CloveToolsOptions } from '../tool-specs.js';

/** The Clove tools as LangChain structured tools, for `bindTools`, a tool node or an agent. */
export function cloveTools(options: CloveToolsOptions = {}): DynamicStructuredTool[] {
  return selectSpecs(options.tools).map(
    (spec) =>
      tool(
        async (input: Record<string, unknown>, config?: { toolCall?: { id?: string } }) => {
          try {
            return JSON.stringify(await runTool(spec, input, options));
          } catch (error) {
            const failure = toToolError(error, spec.name);
            const id = config?.toolCall?.id;
            if (!id) throw failure;
            return new ToolMessage({ status: 'error', content: failure.message, tool_call_id: id, name: spec.name, artifact: failure.toJSON().error });
          }
        },
        { name: spec.name, description: spec.description, schema: spec.schema },
      ) as unknown as DynamicStructuredTool,
  );
}
