/**
 * The LLM agent as a program: reads its task from CLOVE_TASK and its settings from
 * CLOVE_AGENT_* variables, runs the loop, submits the answer, prints a one-line summary.
 * Exit code 0 when the loop ended (done, out of iterations or of token budget: the grade says
 * how well), 1 when the model kept failing or the agent could not run.
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
  process.exitCode = result.status === 'llm_failed' ? 1 : 0;
} catch (error) {
  const e = error as { code?: string; message?: string };
  process.stderr.write(`llm-agent failed: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(error)}\n`);
  process.exitCode = 1;
}
