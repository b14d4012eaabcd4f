import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';

// Issue 9 through the TypeScript SDK: the `world` option on file, HTTP and store calls; route
// templates in headers and typed JSON; clock.jump's place in the timeline; agent.kill and the clock.

let c: CloveClient;
const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
  await c.worldCreate({
    source: [
      'name: calls',
      'clock: { mode: discrete }',
      'agents:',
      '  limits: { timeout: 10m }',
      'filesystem:',
      '  files: [{ path: /data/a.txt, content: "a" }]',
      'network:',
      '  mode: mock',
      '  routes:',
      '    - url: https://api.example.com/pay/:id',
      '      method: POST',
      '      headers: { x-request-id: "{{params.id}}", x-method: "{{method}} {{body.currency}}" }',
      '      json: { id: "{{params.id}}", amount: "{{body.amount}}", tags: "{{body.tags}}", missing: "{{body.nope}}", note: "paid {{body.amount}}" }',
      '',
    ].join('\n'),
  });
});

describe('the TypeScript client reaches a named world', () => {
  it('takes `world` on file calls', async () => {
    await c.write('/out/b.txt', 'bee', { world: 'calls' });
    expect((await c.read('/out/b.txt', { world: 'calls' })).content).toBe('bee');
    expect((await c.stat('/data/a.txt', { world: 'calls' })).size).toBe(1);
    expect((await c.listdir('/', { world: 'calls' })).map((e) => e.name).sort()).toEqual(['data', 'out']);
    await c.mkdir('/tmp/x', { recursive: true, world: 'calls' });
    await c.unlink('/tmp', { recursive: true, world: 'calls' });
    expect((await c.worldState('calls', { diff: true })).diff?.added).toEqual(['/out/b.txt']);
  });

  it('takes `world` on store calls', async () => {
    await c.store('k', { v: 1 }, { scope: 'world', world: 'calls' });
    expect((await c.fetch('k', { scope: 'world', world: 'calls' })).value).toEqual({ v: 1 });
    expect(await c.keys({ scope: 'world', world: 'calls' })).toEqual(['k']);
    await c.delete('k', { scope: 'world', world: 'calls' });
    expect((await c.worldState('calls', { kv: true })).kv).toEqual({});
  });

  it('takes `world` on HTTP: route headers are filled, a whole-value placeholder keeps its JSON type', async () => {
    const res = await c.http({ url: 'https://api.example.com/pay/7', method: 'POST', body: { amount: 120, currency: 'EUR', tags: ['a', 'b'] }, world: 'calls' });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('7');
    expect(res.headers['x-method']).toBe('POST EUR');
    expect(JSON.parse(res.body)).toEqual({ id: '7', amount: 120, tags: ['a', 'b'], missing: null, note: 'paid 120' });
  });
});

describe('world events', () => {
  it('lists a clock.jump before the events it fires, with unique increasing numbers', async () => {
    await c.worldCreate({ source: 'name: jumpy\nclock: { mode: discrete }\n' });
    const scheduled = await c.worldEvent('jumpy', 'custom.a', {}, { in: '1m' });
    expect(scheduled.scheduled).toBeTypeOf('number');
    const jump = await c.worldEvent('jumpy', 'clock.jump', { by: '2m' });
    expect(jump.entry?.seq).toBe(1);
    const { timeline } = await c.worldState('jumpy', { timeline: true });
    expect(timeline?.map((e) => [e.seq, e.elapsed, e.type])).toEqual([
      [1, 0, 'clock.jump'],
      [2, 120_000, 'custom.a'],
    ]);
  });

  it('refuses a bad `in` or bad parameters as bad input naming the field, never as an internal error', async () => {
    await expect(c.worldEvent('calls', 'custom.hi', {}, { in: 'yesterday' })).rejects.toMatchObject({ code: 'EVENT_TYPE_INVALID', message: expect.stringMatching(/in must be a duration .*"yesterday"/) });
    await expect(c.worldEvent('calls', 'network.outage', { hosts: 'a.example' })).rejects.toMatchObject({ code: 'EVENT_TYPE_INVALID', message: expect.stringContaining(`hosts must be array (e.g. hosts='["a.example"]')`) });
    await expect(c.worldEvent('calls', 'clock.jump', { by: 'soon' })).rejects.toMatchObject({ code: 'EVENT_TYPE_INVALID', message: expect.stringMatching(/by must be a duration/) });
  });

  it('never moves the clock when agent.kill stops an agent with a world timeout', async () => {
    await c.worldCreate({ source: 'name: killclock\nclock: { mode: discrete }\nagents:\n  limits: { timeout: 10m }\n' });
    // Busy (never waiting on the world) and slow to die (SIGTERM ignored until the grace period ends).
    const agent = await c.spawn({ script: fixture('agents', 'term-ignorer.js'), world: 'killclock', name: 'v3' });
    await c.logs(agent.id, { waitMs: 5_000 });
    await c.worldEvent('killclock', 'agent.kill', { agent: 'v3', signal: 'SIGTERM' });
    expect((await c.wait(agent.id, 10_000)).state).toBe('killed');
    expect((await c.worldState('killclock')).world.elapsedMs).toBe(0);
  });
});
