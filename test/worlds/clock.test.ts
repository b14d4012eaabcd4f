import { describe, expect, it } from 'vitest';
import { createWorld, WorldClock } from '../../worlds/index.js';

const DAY_MS = 86_400_000;

describe('world clock', () => {
  // Wall-time targets (24 simulated hours in <= 1 s) are measured by `npm run bench:worlds`, not asserted here.
  it('runs a 24-hour schedule of 10,000 timers in order', async () => {
    const world = createWorld({ name: 'day' });
    for (let i = 0; i < 10_000; i++) world.schedule('custom.tick', { i }, { in: Math.floor((i * DAY_MS) / 10_000) + 1 });
    const fired = await world.clock.runUntilIdle();
    expect(fired).toBe(10_000);
    expect(world.timeline).toHaveLength(10_000);
    expect(world.timeline.map((e) => e.params.i)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(world.clock.elapsed()).toBe(Math.floor((9_999 * DAY_MS) / 10_000) + 1);
    world.close();
  });

  it('jumps to the next timer whenever every joined agent is blocked', async () => {
    const world = createWorld({ name: 'agents' });
    world.agentJoined('a');
    world.agentJoined('b');
    const order: string[] = [];
    const a = (async () => {
      for (let i = 0; i < 3; i++) {
        await world.sleep(1_000, { agent: 'a' });
        order.push(`a@${world.clock.elapsed()}`);
      }
      world.agentLeft('a');
    })();
    const b = (async () => {
      for (let i = 0; i < 2; i++) {
        await world.sleep(1_500, { agent: 'b' });
        order.push(`b@${world.clock.elapsed()}`);
      }
      world.agentLeft('b'); // an agent that is done must leave, or time waits for it forever
    })();
    await Promise.all([a, b]);
    expect(order).toEqual(['a@1000', 'b@1500', 'a@2000', 'b@3000', 'a@3000']);
    world.close();
  });

  it('lets an agent sleep 24 hours in 10,000 steps on the discrete clock', async () => {
    const world = createWorld({ name: 'sleeper' });
    world.agentJoined(7);
    for (let i = 0; i < 10_000; i++) await world.sleep(DAY_MS / 10_000, { agent: 7 });
    expect(world.clock.elapsed()).toBe(DAY_MS);
    world.close();
  });

  it('keeps time still while any joined agent is running', async () => {
    const world = createWorld({ name: 'busy' });
    world.agentJoined('runner');
    let woke = false;
    void world.sleep(10).then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(woke).toBe(false);
    world.agentBlocked('runner');
    await new Promise((r) => setTimeout(r, 30));
    expect(woke).toBe(true);
    world.agentUnblocked('runner');
    world.agentLeft('runner');
    world.close();
  });

  it('advances by hand and reports virtual time', async () => {
    const world = createWorld({ name: 'manual', clock: { start: '2030-05-01T12:00:00Z' } });
    const fired: number[] = [];
    world.schedule('custom', {}, { in: '90s', every: '1m', count: 3 });
    world.on('event', (e) => fired.push(e.elapsed));
    await world.clock.advance(5 * 60_000);
    expect(fired).toEqual([90_000, 150_000, 210_000]);
    expect(world.clock.iso()).toBe('2030-05-01T12:05:00.000Z');
    world.close();
  });

  it('follows wall time multiplied by the factor in scaled mode', async () => {
    const clock = new WorldClock({ start: 0, mode: 'scaled', factor: 100 });
    await new Promise((r) => setTimeout(r, 120));
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
    expect(clock.now()).toBeLessThan(60_000);
    clock.close();
  });

  it('resolves sleeps with wall time in realtime mode', async () => {
    const world = createWorld({ name: 'rt', clock: { mode: 'realtime' } });
    const started = performance.now();
    await world.sleep(40);
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
    expect(world.clock.elapsed()).toBeGreaterThanOrEqual(40);
    world.close();
  });

  it('cancels a sleep through its AbortSignal and pending sleeps on close', async () => {
    const clock = new WorldClock({ start: 0 });
    clock.agentJoined('x');
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    const other = clock.sleep(1_000);
    clock.close();
    await expect(other).rejects.toMatchObject({ code: 'WORLD_CLOSED' });
  });
});
