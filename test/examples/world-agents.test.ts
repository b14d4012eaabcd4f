import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestKernel } from '../helpers/kernel.js';

// The README tour's world-using agents (examples/agents/world), in both languages, in flaky-api.

const ROOT = join(import.meta.dirname, '..', '..');
const k = useTestKernel();

describe.concurrent('examples/agents/world', () => {
  it.for([
    { lang: 'python', script: 'summarise.py' },
    { lang: 'typescript', script: 'summarise.ts' },
  ])('$lang: summarises the mock todos into the world and sleeps a virtual minute', async ({ lang, script }) => {
    const c = await k.client();
    const world = `flaky-api-${lang}`;
    await c.worldCreate({ path: join(ROOT, 'worlds', 'examples', 'flaky-api.yaml'), name: world });
    const agent = await c.spawn({ script: join(ROOT, 'examples', 'agents', 'world', script), world });
    const done = await c.wait(agent.id, 30_000);
    const lines = (await c.logs(agent.id)).lines.map((l) => l.text);
    expect(done.exitCode, lines.join('\n')).toBe(0);
    expect(lines).toContain('task: Fetch the todos from https://api.example.com/todos and write a summary to /project/out/summary.txt.');
    expect(lines.at(-1)).toBe('wrote /project/out/summary.txt: 2 open; slept 60000 ms of world time');
    expect((await c.worldState(world, { diff: true })).diff?.added).toEqual(['/project/out/summary.txt']);
    expect((await c.read('/project/out/summary.txt', { world })).content).toBe('2 todos, 2 open: write tests, ship it\n');
  });

  it('are the agents the README tour runs', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('examples/agents/world/summarise.py --world flaky-api');
    expect(readme).toContain('examples/agents/world/summarise.ts');
  });
});
