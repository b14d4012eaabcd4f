/**
 * `clove/agents`: ready-made agents. The LLM agent loop (system prompt, task, tools exec /
 * read_file / write_file / list_dir / http / done, iterations, history, token budget), usable
 * in-process (`AgenticLoop`, `runTask`) or as an external agent program (`llmAgentPath`).
 *
 * @example
 * import { AgenticLoop } from 'clove/agents';
 * const result = await new AgenticLoop(client, { maxIterations: 10, tokenBudget: 50_000 }).run('Fix the failing test');
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export { AgenticLoop, DEFAULT_SYSTEM_PROMPT } from './llm-agent.js';
export type { AgenticLoopOptions, AgentRunResult, AgentStatus, AgentStep, AgentTask } from './llm-agent.js';
export { AGENT_TOOLS, AGENT_TOOL_NAMES, runTool } from './tools.js';
export type { AgentToolName, ToolOutcome } from './tools.js';
export { runTask, taskFromEnv, loopOptionsFromEnv } from './run-task.js';
export type { RunTaskOptions } from './run-task.js';

/**
 * The LLM agent program (for SPAWN or a gym `command` agent) with CLOVE_TASK set: compiled
 * JavaScript when there is some (beside this module, or in dist/ when this runs from source),
 * else the TypeScript source (the kernel runs .ts scripts with tsx).
 */
export function llmAgentPath(): string {
  for (const candidate of ['./main.js', '../dist/agents/main.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  return fileURLToPath(new URL('./main.ts', import.meta.url));
}

/** The argv that runs the LLM agent program: `node main.js`, or `main.ts` alone (the kernel runs it with tsx). */
export function llmAgentCommand(): string[] {
  const path = llmAgentPath();
  return path.endsWith('.ts') ? [path] : [process.execPath, path];
}
