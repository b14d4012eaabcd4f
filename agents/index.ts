/**
 * `clove/agents`: ready-made agents. The LLM agent loop (system prompt, task, tools exec /
 * read_file / write_file / list_dir / http / done, iterations, history, token budget), usable
 * in-process (`AgenticLoop`, `runTask`) or as an external agent program (`llmAgentPath`).
 *
 * @example
 * import { AgenticLoop } from 'clove/agents';
 * const result = await new AgenticLoop(client, { maxIterations: 10, tokenBudget: 50_000 }).run('Fix the failing test');
 */
import { fileURLToPath } from 'node:url';

export { AgenticLoop, DEFAULT_SYSTEM_PROMPT } from './llm-agent.js';
export type { AgenticLoopOptions, AgentRunResult, AgentStatus, AgentStep, AgentTask } from './llm-agent.js';
export { AGENT_TOOLS, AGENT_TOOL_NAMES, runTool } from './tools.js';
export type { AgentToolName, ToolOutcome } from './tools.js';
export { runTask, taskFromEnv, loopOptionsFromEnv } from './run-task.js';
export type { RunTaskOptions } from './run-task.js';

/** The LLM agent program (for SPAWN or a gym `command` agent): `node <llmAgentPath()>` with CLOVE_TASK set. */
export function llmAgentPath(): string {
  return fileURLToPath(new URL('./main.js', import.meta.url));
}
