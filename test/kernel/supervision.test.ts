import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../sdk/index.js';
import { fixture, type TestKernel, useTestKernel } from '../helpers/kernel.js';

const k = useTestKernel();

async function collect(c: Awaited<ReturnType<TestKernel['client']>>, until: (e: KernelEvent) => boolean, timeoutMs = 15_000): Promise<KernelEvent[]> {
  const seen: KernelEvent[] = [];
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const { events } = await c.pollEvents({ timeoutMs: 500 });
    seen.push(...events);
    if (events.some(until)) return seen;
  }
  throw new Error(`timed out; saw ${seen.map((e) => e.type).join(', ')}`);
}

describe('supervision', () => {
  it('restarts a crashing agent with growing backoff and gives up after the limit', async () => {
    const c = await k.client();
    await c.subscribe(['AGENT_RESTARTED', 'AGENT_GAVE_UP', 'AGENT_EXITED']);
    const agent = await c.spawn({
      script: fixture('agents', 'crasher.js'),
      name: 'flaky',
      restart: { policy: 'on-failure', maxRestarts: 3, windowMs: 60_000, backoffInitialMs: 50, backoffFactor: 2 },
    });
    const events = (await collect(c, (e) => e.type === 'AGENT_GAVE_UP')).filter((e) => e.source === agent.id);
    expect(events.filter((e) => e.type === 'AGENT_RESTARTED')).toHaveLength(3);
    const delays = events.filter((e) => e.type === 'AGENT_EXITED' && e.data.restartingInMs !== undefined).map((e) => e.data.restartingInMs);
    expect(delays).toEqual([50, 100, 200]);
    const final = await c.wait(agent.id, 5000);
    expect(final.state).toBe('exited');
    expect(final.restarts).toBe(3);
    expect(final.exitCode).toBe(3);
  });

  it('does not restart an agent that exits cleanly under on-failure', async () => {
    const c = await k.client();
    const agent = await c.spawn({ script: fixture('agents', 'crasher.js'), args: ['0'], restart: { policy: 'on-failure', backoffInitialMs: 10 } });
    const final = await c.wait(agent.id, 5000);
    expect(final.restarts).toBe(0);
    expect(final.exitCode).toBe(0);
  });

  it('stops restarting when an operator kills the agent', async () => {
    const c = await k.client();
    const agent = await c.spawn({ script: fixture('agents', 'sleeper.js'), restart: { policy: 'always', backoffInitialMs: 10 } });
    await c.kill(agent.id);
    const final = await c.wait(agent.id, 5000);
    expect(final.state).toBe('killed');
    expect(final.restarts).toBe(0);
  });
});
