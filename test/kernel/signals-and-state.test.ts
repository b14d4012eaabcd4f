import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKernel } from '../../kernel/index.js';
import { eventually, fixture, useTestKernel } from '../helpers/kernel.js';

const k = useTestKernel();

describe('signals and state directories', () => {
  it('delivers SIGUSR1 without stopping the agent, and SIGKILL answers once the agent is gone', async () => {
    const c = await k.client();
    const agent = await c.spawn({ script: fixture('agents', 'sleeper.js') });
    // Until node has started, SIGUSR1 still has its default action (terminate): wait for output.
    await eventually(async () => ((await c.logs(agent.id)).lines.length > 0 ? true : undefined));
    const notified = await c.kill(agent.id, { signal: 'SIGUSR1' });
    expect(notified.killed).toBe(false);
    // Node's default for SIGUSR1 starts the inspector; the agent keeps running.
    expect((await c.list()).find((a) => a.id === agent.id)?.state).toBe('running');
    const killed = await c.kill(agent.id, { signal: 'SIGKILL' });
    expect(killed).toMatchObject({ killed: true, agent: { state: 'killed', signal: 'SIGKILL' } });
  });

  it('refuses a second kernel in a state directory that a live kernel uses', async () => {
    await expect(startKernel({ socketPath: join(k.dir, 'other.sock') })).rejects.toMatchObject({
      code: 'KERNEL_ALREADY_RUNNING',
      message: expect.stringContaining('operator token'),
    });
    // The first kernel still answers with its own token.
    const c = await k.client();
    expect(await c.noop({ ok: 1 })).toEqual({ ok: 1 });
  });
});
