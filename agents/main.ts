/**
 * The LLM agent as a program: reads its task from CLOVE_TASK and its settings from
 * CLOVE_AGENT_* variables, runs the loop, submits the answer, prints a one-line summary.
 * Exit code 0 when the model called done, 1 otherwise.
 */
import { loopOptionsFromEnv, runTask } from './run-task.js';

try {
  const result = await runTask({
    ...loopOptionsFromEnv(),
    onStep: (step) => {
      if (step.type === 'tool') console.log(`[${step.iteration}] ${step.name} ${JSON.stringify(step.arguments).slice(0, 160)} -> ${step.ok ? 'ok' : 'error'}`);
      else if (step.type === 'llm_error') console.log(`[${step.iteration}] THINK failed: ${step.code} ${step.kind ?? ''}`);
    },
  });
  console.log(`llm-agent: ${result.status} after ${result.iterations} iteration(s), ${result.tokens} tokens${result.answer !== undefined ? `, answer ${JSON.stringify(result.answer)}` : ''}${result.error ? ` (${result.error})` : ''}`);
  process.exitCode = result.status === 'done' ? 0 : 1;
} catch (error) {
  const e = error as { code?: string; message?: string };
  process.stderr.write(`llm-agent failed: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(error)}\n`);
  process.exitCode = 1;
}
