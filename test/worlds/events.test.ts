import { describe, expect, it } from 'vitest';
import { createWorld, type TimelineEntry, type World } from '../../worlds/index.js';

function eventWorld(): World {
  return createWorld({
    name: 'events',
    seed: 3,
    filesystem: { files: [{ path: '/data/input.csv', content: 'id,value\n1,10\n2,20\n' }] },
    network: { routes: [{ url: 'https://api.example.com/ping', text: 'pong' }, { url: 'https://other.example.com/ping', text: 'pong' }] },
  });
}

describe('world events', () => {
  it('network.outage fails requests until the outage ends, only for the listed hosts', async () => {
    const world = eventWorld();
    world.inject('network.outage', { duration: '30s', hosts: ['api.example.com'] });
    await expect(world.fetch({ url: 'https://api.example.com/ping' })).rejects.toMatchObject({ code: 'HTTP_FAILED', message: expect.stringContaining('outage') });
    expect((await world.fetch({ url: 'https://other.example.com/ping' })).status).toBe(200);
    await world.clock.advance(30_000);
    expect((await world.fetch({ url: 'https://api.example.com/ping' })).body.toString()).toBe('pong');
    world.close();
  });

  it('network.outage with a status answers that status instead of failing', async () => {
    const world = eventWorld();
    world.inject('network.outage', { status: 503 });
    expect((await world.fetch({ url: 'https://api.example.com/ping' })).status).toBe(503);
    world.close();
  });

  it('network.latency adds latency on the world clock while it lasts', async () => {
    const world = eventWorld();
    world.inject('network.latency', { latency_ms: 2_000, duration: '1m' });
    const slow = await world.fetch({ url: 'https://api.example.com/ping' });
    expect(slow.latencyMs).toBe(2_000);
    expect(world.clock.elapsed()).toBe(2_000);
    await world.clock.advance(60_000);
    expect((await world.fetch({ url: 'https://api.example.com/ping' })).latencyMs).toBe(0);
    world.close();
  });

  it('network.error answers the injected status code', async () => {
    const world = eventWorld();
    world.inject('network.error', { status: 429, duration: '10s' });
    const res = await world.fetch({ url: 'https://api.example.com/ping' });
    expect(res.status).toBe(429);
    expect(res.route).toBe('fault');
    await world.clock.advance(10_000);
    expect((await world.fetch({ url: 'https://api.example.com/ping' })).status).toBe(200);
    world.close();
  });

  it.each([
    ['truncate', (b: Buffer) => expect(b.toString()).toBe('id,value\n')],
    ['garbage', (b: Buffer) => expect(b.subarray(0, 4).toString()).not.toBe('id,v')],
    ['delete', undefined],
  ] as const)('fs.corrupt %s damages the file agents read', (mode, check) => {
    const world = eventWorld();
    const entry = world.inject('fs.corrupt', { path: '/data/input.csv', mode, ...(mode === 'garbage' ? { length: 4 } : {}) });
    expect(entry.note).toMatch(/truncated|garbage|deleted/);
    if (check === undefined) expect(world.fs.exists('/data/input.csv')).toBe(false);
    else check(world.fs.readFile('/data/input.csv'));
    expect(world.fs.diff().modified.length + world.fs.diff().deleted.length).toBe(1);
    world.close();
  });

  it('fs.corrupt garbage is the same bytes for the same seed', () => {
    const bytes = (): string => {
      const world = eventWorld();
      world.inject('fs.corrupt', { path: '/data/input.csv', mode: 'garbage' });
      const out = world.fs.readFile('/data/input.csv').toString('hex');
      world.close();
      return out;
    };
    expect(bytes()).toBe(bytes());
  });

  it('fs.write writes or appends a file, creating its directory', () => {
    const world = eventWorld();
    world.inject('fs.write', { path: '/inbox/msg.txt', content: 'hello' });
    world.inject('fs.write', { path: '/inbox/msg.txt', content: ' world', append: true });
    expect(world.fs.readFile('/inbox/msg.txt').toString()).toBe('hello world');
    world.close();
  });

  it('delivers agent.kill and agent.pause to the listener the kernel registers', () => {
    const seen: TimelineEntry[] = [];
    const world = createWorld({ name: 'k' }, { onEvent: (e) => seen.push(e) });
    world.inject('agent.kill', { agent: 'worker', signal: 'SIGKILL' });
    world.inject('agent.pause', { agent: 3, duration: '5s' });
    expect(seen.map((e) => [e.type, e.params.agent])).toEqual([
      ['agent.kill', 'worker'],
      ['agent.pause', 3],
    ]);
    world.close();
  });

  it('clock.jump moves virtual time forward at once', () => {
    const world = eventWorld();
    world.inject('clock.jump', { by: '2h' });
    expect(world.clock.elapsed()).toBe(7_200_000);
    world.close();
  });

  it('custom events only go on the timeline', () => {
    const world = eventWorld();
    const entry = world.inject('custom.deploy', { version: 2 }, { name: 'deploy' });
    expect(entry).toMatchObject({ seq: 1, type: 'custom.deploy', params: { version: 2 }, source: 'injected', name: 'deploy', elapsed: 0 });
    expect(world.timeline).toEqual([entry]);
    world.close();
  });

  it('fires scheduled at, every and after events from the world file in order', async () => {
    const world = createWorld({
      name: 'sched',
      events: [
        { name: 'outage', type: 'network.outage', at: '30s', params: { duration: '10s' } },
        { name: 'recovered', type: 'custom.recovered', after: 'outage', delay: '10s' },
        { name: 'tick', type: 'custom.tick', every: '20s', count: 3 },
        { type: 'clock.jump', at: '90s', params: { by: '1h' } },
      ],
    });
    await world.clock.runUntilIdle();
    expect(world.timeline.map((e) => [e.elapsed, e.type])).toEqual([
      [20_000, 'custom.tick'],
      [30_000, 'network.outage'],
      [40_000, 'custom.tick'],
      [40_000, 'custom.recovered'],
      [60_000, 'custom.tick'],
      [90_000, 'clock.jump'],
    ]);
    expect(world.clock.elapsed()).toBe(90_000 + 3_600_000);
    expect(world.pendingEvents()).toEqual([]);
    world.close();
  });

  it("arms the world file's after events when a named event is injected", async () => {
    const world = createWorld({
      name: 'chain',
      events: [
        { name: 'incident', type: 'custom.incident', at: '1h' },
        { type: 'custom.cleanup', after: 'incident', delay: '1m' },
      ],
    });
    world.inject('network.outage', { duration: '30s' }, { name: 'incident' });
    await world.clock.runUntilIdle();
    expect(world.timeline.map((e) => [e.elapsed, e.type])).toEqual([
      [0, 'network.outage'],
      [60_000, 'custom.cleanup'],
      [3_600_000, 'custom.incident'],
      [3_660_000, 'custom.cleanup'],
    ]);
    world.close();
  });

  it('schedules and cancels events at run time', async () => {
    const world = eventWorld();
    const keep = world.schedule('custom.a', {}, { in: '1s' });
    const drop = world.schedule('custom.b', {}, { in: '2s' });
    expect(world.pendingEvents().map((e) => e.id)).toEqual([keep, drop]);
    expect(world.cancelEvent(drop)).toBe(true);
    await world.clock.advance(5_000);
    expect(world.timeline.map((e) => e.type)).toEqual(['custom.a']);
    world.close();
  });
});
