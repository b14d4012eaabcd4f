import { CloveError, connectAgent, type CloveClient, type ConnectOptions } from '../sdk/index.js';
import { AgenticLoop, type AgenticLoopOptions, type AgentRunResult, type AgentTask } from './llm-agent.js';
import type { AgentToolName } from './tools.js';

export interface RunTaskOptions extends AgenticLoopOptions {
  /** Default: the task in CLOVE_TASK (JSON of the gym's Task, or plain text). */
  task?: string | AgentTask;
  /** Default: the agent's own channel (connectAgent). */
  client?: CloveClient;
  connect?: ConnectOptions;
  /** Send the answer as a `gym.submit` event when the model calls done. Default true. */
  submit?: boolean;
}

/** The task from CLOVE_TASK: the gym's Task as JSON, or plain text. */
export function taskFromEnv(env: NodeJS.ProcessEnv = process.env): AgentTask {
  const raw = env.CLOVE_TASK;
  if (!raw) throw new CloveError('AGENT_TASK_MISSING', 'no task: set CLOVE_TASK (the task text, or the gym Task as JSON) or pass one');
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as AgentTask).text === 'string') return parsed as AgentTask;
    if (typeof parsed === 'string') return { text: parsed };
  } catch {
    /* plain text */
  }
  return { text: raw };
}

/** Loop settings from the environment (how `clove gym play` and bench suites configure an `llm` agent). */
export function loopOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AgenticLoopOptions {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new CloveError('AGENT_SETTING_INVALID', `${name} must be a non-negative number, got ${JSON.stringify(v)}`, { variable: name });
    return n;
  };
  const options: AgenticLoopOptions = {};
  const iterations = num('CLOVE_AGENT_MAX_ITERATIONS');
  if (iterations !== undefined) options.maxIterations = iterations;
  const budget = num('CLOVE_AGENT_TOKEN_BUDGET');
  if (budget !== undefined) options.tokenBudget = budget;
  const temperature = num('CLOVE_AGENT_TEMPERATURE');
  if (temperature !== undefined) options.temperature = temperature;
  const maxTokens = num('CLOVE_AGENT_MAX_TOKENS');
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  if (env.CLOVE_AGENT_MODEL) options.model = env.CLOVE_AGENT_MODEL;
  if (env.CLOVE_AGENT_SYSTEM) options.system = env.CLOVE_AGENT_SYSTEM;
  if (env.CLOVE_AGENT_TOOLS) options.tools = env.CLOVE_AGENT_TOOLS.split(',').map((t) => t.trim()) as AgentToolName[];
  return options;
}

/**
 * Runs the LLM agent on a task and, when it calls done, submits its answer (`gym.submit`).
 *
 * @example
 * // As an external agent: CLOVE_TASK='{"text": "..."}' node dist/agents/main.js
 * const result = await runTask({ maxIterations: 15 });
 */
export async function runTask(options: RunTaskOptions = {}): Promise<AgentRunResult> {
  const { task, client: given, connect, submit = true, ...loop } = options;
  const client = given ?? (await connectAgent(connect));
  try {
    const result = await new AgenticLoop(client, loop).run(task ?? taskFromEnv());
    if (submit && result.status === 'done') await client.emitEvent('gym.submit', { answer: result.answer ?? null });
    return result;
  } finally {
    if (!given) client.close();
  }
}
