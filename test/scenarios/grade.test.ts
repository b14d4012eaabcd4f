import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grade, loadScenario, type GradeContext, type ScenarioInstance } from '../../scenarios/index.js';
import { createWorld } from '../../worlds/index.js';

const root = mkdtempSync(join(tmpdir(), 'clove-grade-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function instanceOf(reward: string, extraChecks = ''): Promise<ScenarioInstance> {
  const dir = join(root, `s${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'scenario.yaml'),
    `id: graded
version: 1
name: Graded
task: Write a and b.
world: { filesystem: { files: [{ path: /seed.txt, content: x }] } }
checks:
  - { id: a, kind: file_exists, path: /a.txt, weight: 3 }
  - { id: b, kind: file_exists, path: /b.txt, weight: 1 }
  - { id: tidy, kind: no_side_effects, allowed_paths: [/a.txt, /b.txt], required: false, weight: 0 }
${extraChecks}${reward}`,
  );
  return (await loadScenario(dir)).instantiate(0);
}

function context(files: string[]): GradeContext {
  const world = createWorld({ name: 'g', filesystem: { files: [{ path: '/seed.txt', content: 'x' }] } });
  for (const f of files) world.fs.writeFile(f, 'ok');
  return { world, submitted: true, outputs: [], llmPrompts: [], exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }) };
}

describe('grade', () => {
  it('gives the success reward when every required check passes, with each component visible', async () => {
    const result = await grade(await instanceOf('reward: { success: 2 }\n'), context(['/a.txt', '/b.txt']));
    expect(result.success).toBe(true);
    expect(result.reward).toBe(2);
    expect(result.breakdown).toEqual({
      total: 2,
      success: 2,
      components: [
        { id: 'a', weight: 3, passed: true, reward: 1.5 },
        { id: 'b', weight: 1, passed: true, reward: 0.5 },
        { id: 'tidy', weight: 0, passed: true, reward: 0 },
      ],
      penalties: [],
    });
  });

  it('gives nothing for a partial result unless partial credit is on, then credit by weight', async () => {
    const none = await grade(await instanceOf(''), context(['/a.txt']));
    expect(none).toMatchObject({ success: false, reward: 0 });
    expect(none.checks.find((c) => c.id === 'b')).toMatchObject({ passed: false, message: '/b.txt does not exist in the final world' });
    const partial = await grade(await instanceOf('reward: { partial: true, partial_scale: 0.4 }\n'), context(['/a.txt']));
    expect(partial.success).toBe(false);
    expect(partial.reward).toBeCloseTo(0.3); // 0.4 × 3/4
    expect(partial.breakdown.success).toBe(0);
  });

  it('subtracts penalties of failed checks (required or not) and floors the total at min', async () => {
    const reward = 'reward:\n  penalties: [{ id: mess, check: tidy, amount: 0.25, reason: wrote outside the task }]\n';
    const messy = await grade(await instanceOf(reward), context(['/a.txt', '/b.txt', '/junk.txt']));
    expect(messy.success).toBe(true); // tidy is not required
    expect(messy.reward).toBe(0.75);
    expect(messy.breakdown.penalties).toEqual([{ id: 'mess', amount: 0.25, reason: 'wrote outside the task' }]);
    const floored = await grade(await instanceOf('reward:\n  min: -1\n  penalties: [{ id: mess, check: tidy, amount: 5 }]\n'), context(['/a.txt', '/b.txt', '/junk.txt']));
    expect(floored.reward).toBe(-1);
  });

  it('turns a check that throws into a failed check with the error, and keeps grading', async () => {
    const instance = await instanceOf('', '  - { id: boom, kind: exec, command: node }\n');
    const ctx = { ...context(['/a.txt', '/b.txt']), exec: async () => Promise.reject(Object.assign(new Error('sandbox gone'), { code: 'EXEC_FAILED' })) };
    const result = await grade(instance, ctx);
    expect(result.success).toBe(false);
    expect(result.checks.find((c) => c.id === 'boom')).toMatchObject({ passed: false, message: 'the check could not run: EXEC_FAILED: sandbox gone' });
    expect(result.checks.filter((c) => c.passed).map((c) => c.id)).toEqual(['a', 'b', 'tidy']);
  });
});
