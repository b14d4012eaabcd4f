import { describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';

const k = useTestKernel();

describe('many concurrent requests', () => {
  it('answers 100 clients x 1,000 concurrent calls each, every call with its own payload', async () => {
    const clients = await Promise.all(Array.from({ length: 100 }, (_, i) => k.client({ codec: i % 2 === 0 ? 'msgpack' : 'json' })));
    let mixedUp = 0;
    let answered = 0;
    await Promise.all(
      clients.map(async (client, c) => {
        const calls = Array.from({ length: 1000 }, (_, n) => {
          const payload = { c, n, tag: `${c}:${n}`, pad: 'x'.repeat(n % 17) };
          return client.noop(payload).then((echo) => {
            answered++;
            if (echo.c !== c || echo.n !== n || echo.tag !== payload.tag || echo.pad !== payload.pad) mixedUp++;
          });
        });
        await Promise.all(calls);
      }),
    );
    expect(answered).toBe(100_000);
    expect(mixedUp).toBe(0);
    for (const client of clients) client.close();
  });

  it('answers quick calls while a slow one on the same connection is still pending', async () => {
    const operator = await k.client();
    const sleeper = await operator.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
    // The agent's own identity, over the socket: it has a mailbox, so RECV can block.
    const agent: CloveClient = await k.client({ token: k.kernel.agents.get(sleeper.id).token });
    const order: string[] = [];
    const received = agent.recv(10_000).then((message) => {
      order.push('recv');
      return message;
    });
    const quick = await Promise.all(
      Array.from({ length: 500 }, (_, n) =>
        agent.noop({ n }).then((echo) => {
          order.push('noop');
          return echo.n;
        }),
      ),
    );
    expect(quick).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(order).not.toContain('recv');
    await operator.send(sleeper.id, { late: true });
    expect((await received)?.payload).toEqual({ late: true });
    expect(order.indexOf('recv')).toBe(500);
    await operator.kill(sleeper.id);
  });

  it('keeps responses of different blocking calls apart when they complete out of order', async () => {
    const operator = await k.client();
    const a = await operator.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
    const b = await operator.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
    const watcher = await k.client();
    await watcher.subscribe(['CUSTOM']);
    const waitA = watcher.wait(a.id, 10_000);
    const waitB = watcher.wait(b.id, 10_000);
    const polled = watcher.pollEvents({ timeoutMs: 10_000 });
    await operator.emitEvent('first');
    expect((await polled).events.map((e) => e.data.name)).toEqual(['first']);
    await operator.kill(b.id);
    expect((await waitB).id).toBe(b.id);
    await operator.kill(a.id);
    expect((await waitA).id).toBe(a.id);
  });
});
