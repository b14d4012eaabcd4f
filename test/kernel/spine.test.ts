import { describe, expect, it } from 'vitest';
import { CloveError } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';

const k = useTestKernel();

describe('kernel spine', () => {
  it('echoes a NOOP payload', async () => {
    const c = await k.client();
    expect(await c.noop({ hello: 'world', n: 1 })).toEqual({ hello: 'world', n: 1 });
    expect(await c.echo('hi')).toBe('hi');
  });

  it('runs a python agent and records its exit and output', async () => {
    const c = await k.client();
    const agent = await c.spawn({ script: fixture('agents', 'hello.py'), args: ['a', 'b'] });
    const done = await c.wait(agent.id, 10_000);
    expect(done.exitCode).toBe(0);
    expect(done.state).toBe('exited');
    const logs = await c.logs(agent.id);
    expect(logs.lines.map((l) => l.text)).toContain("hello from python ['a', 'b']");
  });

  it('lets a TypeScript agent talk back over its channel', async () => {
    const c = await k.client();
    const agent = await c.spawn({ script: fixture('agents', 'echo-agent.ts'), name: 'echoer' });
    const sub = await c.subscribe(['MESSAGE_RECEIVED']);
    expect(sub.subscribed).toEqual(['MESSAGE_RECEIVED']);
    // The operator has no mailbox; the echo goes to an agent, so check the store instead.
    await c.send('echoer', 'stop');
    const done = await c.wait(agent.id, 15_000);
    expect(done.exitCode).toBe(0);
  });

  it('reports a crashing agent without disturbing others', async () => {
    const c = await k.client();
    const sleeper = await c.spawn({ script: fixture('agents', 'sleeper.js') });
    const crasher = await c.spawn({ script: fixture('agents', 'crasher.js'), args: ['7'] });
    const done = await c.wait(crasher.id, 10_000);
    expect(done.exitCode).toBe(7);
    const [alive] = (await c.list()).filter((a) => a.id === sleeper.id);
    expect(alive?.state).toBe('running');
    const killed = await c.kill(sleeper.id);
    expect(killed.killed).toBe(true);
    expect((await c.wait(sleeper.id, 5000)).state).toBe('killed');
  });

  it('rejects an unknown agent with a typed error', async () => {
    const c = await k.client();
    await expect(c.kill('nobody')).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
    await expect(c.kill('nobody')).rejects.toBeInstanceOf(CloveError);
  });
});
