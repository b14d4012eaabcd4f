/**
 * summarise: an agent that works inside a world. It reads the task from the world's files, fetches
 * the todos from the world's mock API (retrying the failures the world injects), writes a summary
 * back, and waits a virtual minute on the world's clock.
 *
 *   clove world create worlds/examples/flaky-api.yaml
 *   clove agent run examples/agents/world/summarise.ts --world flaky-api --wait
 *   clove world diff flaky-api        # A /project/out/summary.txt
 */
import { CloveError, runAgent } from 'clove/sdk';

interface Todo {
  id: number;
  title: string;
  done: boolean;
}

await runAgent(async (clove) => {
  const task = await clove.read('/project/README.md');
  console.log(`task: ${task.content.split('\n')[1] ?? ''}`);
  let todos: Todo[] = [];
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const res = await clove.http({ url: 'https://api.example.com/todos' });
      if (res.status === 200) {
        todos = JSON.parse(res.body) as Todo[];
        break;
      }
      console.log(`attempt ${attempt}: HTTP ${res.status}`);
    } catch (error) {
      if (!(error instanceof CloveError)) throw error;
      console.log(`attempt ${attempt}: ${error.code}`);
    }
    await clove.sleep(1_000 * attempt);
  }
  const open = todos.filter((t) => !t.done).map((t) => t.title);
  await clove.write('/project/out/summary.txt', `${todos.length} todos, ${open.length} open: ${open.join(', ')}\n`);
  const before = await clove.time();
  await clove.sleep(60_000);
  const after = await clove.time();
  console.log(`wrote /project/out/summary.txt: ${open.length} open; slept ${after.nowMs - before.nowMs} ms of world time`);
});
