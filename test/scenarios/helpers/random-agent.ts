/**
 * The random baseline: uniformly samples a tool among those the scenario allows, with random
 * arguments (paths drawn from what the world shows, URLs from its routes, or random strings),
 * until it samples `submit` or reaches the step limit.
 */
import type { ScriptedAgent, ToolName } from '../../../gym/tools.js';
import { ScenarioRandom } from '../../../scenarios/index.js';

export function randomAgent(seed: number, options: { urls?: string[]; maxSteps?: number } = {}): ScriptedAgent {
  const rng = new ScenarioRandom(`random-agent:${seed}`);
  return async (tools, task) => {
    const known = ['/', '/tmp', `/${rng.word()}`];
    const urls = [...(options.urls ?? []), `https://${rng.word()}.example.com/${rng.word()}`];
    const text = (): string => (rng.chance(0.5) ? rng.word(rng.int(1, 4)) : JSON.stringify({ [rng.word()]: rng.int(0, 100) }));
    const path = (): string => (rng.chance(0.7) ? rng.pick(known) : `${rng.pick(known)}/${rng.word()}`);
    const steps = options.maxSteps ?? 40;
    for (let i = 0; i < steps; i++) {
      const tool: ToolName = rng.pick(task.tools);
      try {
        switch (tool) {
          case 'read_file':
            await tools.readFile(path());
            break;
          case 'write_file':
            await tools.writeFile(path(), text());
            break;
          case 'list_dir': {
            const dir = path();
            const entries = await tools.listDir(dir);
            for (const e of entries) known.push(`${dir === '/' ? '' : dir}/${e.name}`);
            break;
          }
          case 'delete':
            await tools.delete(path());
            break;
          case 'exec':
            await tools.exec(rng.pick(['ls', 'cat', 'true', 'node', 'echo']), [path(), text()], { cwd: '/' });
            break;
          case 'http':
            await tools.http(rng.pick(urls), { method: rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), body: text() });
            break;
          case 'sleep':
            await tools.sleep(rng.int(0, 3_600_000));
            break;
          case 'think':
            await tools.think(text());
            break;
          case 'send':
            await tools.send(rng.word(), text());
            break;
          case 'recv':
            await tools.recv({ timeoutMs: rng.int(0, 60_000) });
            break;
          case 'submit':
            await tools.submit(text());
            return;
        }
      } catch {
        // a failed tool call is an observation; the random agent ignores it
      }
    }
    await tools.submit(text());
  };
}
