import { afterEach, describe, expect, it } from 'vitest';
import { makeVec, type Action, type VectorEnv } from '../../gym/index.js';
import counter from '../fixtures/gym/counter.mjs';

const opened: VectorEnv[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((v) => v.close()));
});

const look: Action = { tool: 'read_file', args: { path: '/data/input.txt' } };
const submit: Action = { tool: 'submit', args: { answer: 'x' } };

describe.each(['sync', 'async'] as const)('vector env (%s)', (mode) => {
  async function vec(autoreset: 'next-step' | 'same-step' | 'disabled') {
    const v = await makeVec(counter, 2, { mode, autoreset, sandbox: false });
    opened.push(v);
    return v;
  }

  it('seeds env i with seed + i and batches results', async () => {
    const v = await vec('next-step');
    const { observations, infos } = await v.reset({ seed: 40 });
    expect(infos.map((i) => i?.seed)).toEqual([40, 41]);
    const step = await v.step([look, look]);
    expect(step.rewards).toEqual([0, 0]);
    expect(step.terminations).toEqual([false, false]);
    const contents = step.observations.map((o) => (o.type === 'result' ? (o.result as { content: string }).content : null));
    expect(contents[0]).not.toBe(contents[1]);
    expect(observations.map((o) => o?.type)).toEqual(['task', 'task']);
  });

  it('next-step: the step after the end ignores the action, resets and returns reward 0', async () => {
    const v = await vec('next-step');
    await v.reset({ seed: 1 });
    const end = await v.step([submit, look]);
    expect(end.terminations).toEqual([true, false]);
    expect(end.observations[0]).toMatchObject({ type: 'result', tool: 'submit' });
    expect(end.infos[0]?.record?.reason).toBe('submitted');
    const next = await v.step([look, look]);
    expect(next.observations[0]).toMatchObject({ type: 'task' });
    expect(next.infos[0]).toMatchObject({ autoreset: true });
    expect(next.rewards[0]).toBe(0);
    expect([next.terminations[0], next.truncations[0]]).toEqual([false, false]);
    expect(next.observations[1]).toMatchObject({ type: 'result', tool: 'read_file' });
  });

  it('same-step: resets within the ending step; the final observation is in info.final_obs', async () => {
    const v = await vec('same-step');
    await v.reset({ seed: 1 });
    const end = await v.step([submit, look]);
    expect(end.terminations).toEqual([true, false]);
    expect(end.observations[0]).toMatchObject({ type: 'task' });
    expect(end.infos[0]?.final_obs).toMatchObject({ type: 'result', tool: 'submit' });
    expect(end.infos[0]?.final_info?.record?.reason).toBe('submitted');
    expect((await v.step([look, look])).observations[0]).toMatchObject({ type: 'result', tool: 'read_file' });
  });

  it('disabled: a finished env must be reset with a reset_mask', async () => {
    const v = await vec('disabled');
    await v.reset({ seed: 1 });
    await v.step([submit, look]);
    await expect(v.step([look, look])).rejects.toMatchObject({ code: 'GYM_RESET_NEEDED' });
    const partial = await v.reset({ options: { reset_mask: [true, false] } });
    expect(partial.observations[0]).toMatchObject({ type: 'task' });
    expect(partial.observations[1]).toBeNull();
    const after = await v.step([look, look]);
    expect(after.infos.map((i) => i.step)).toEqual([1, 2]);
  });
});
