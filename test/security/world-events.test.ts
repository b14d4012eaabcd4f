import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { useTestKernel } from '../helpers/kernel.js';
import { waitForLine } from '../helpers/agent-logs.js';
import { resultsOf, startHostile } from './helpers.js';

// World confinement on the event bus: an agent in world A subscribes to everything and must see
// A's events, never B's (B's timeline, B's agents' events, B's broadcasts). Plain agents are enough
// here (no root needed): the bus does not depend on the sandbox.

const WORLD = (name: string) => `version: 1
name: ${name}
clock: { mode: discrete }
`;

let c: CloveClient;

const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
  await c.worldCreate({ source: WORLD('wa') });
  await c.worldCreate({ source: WORLD('wb') });
});

describe("a world's events reach only its members and operators", () => {
  it('SUBSCRIBE + POLL_EVENTS and pushed events: an agent in world A never sees world B', async () => {
    const plan = [
      ['call', 'subscribe', { types: ['*'] }],
      ['print', 'subscribed'],
      ['sleep', 1.5],
      ['call', 'poll_events', { max_events: 1000, timeout_ms: 100 }],
    ];
    const polled = await startHostile(c, plan, { world: 'wa', sandboxed: false });
    const pushed = await startHostile(
      c,
      [['call', 'subscribe', { types: ['WORLD_EVENT', 'CUSTOM', 'MESSAGE_RECEIVED'], push: true }], ['print', 'subscribed'], ['sleep', 1.5], ['call', 'drain_events']],
      { world: 'wa', sandboxed: false },
    );
    const outsider = await startHostile(c, plan, { sandboxed: false });
    await waitForLine(c, polled, 'subscribed', 30_000);
    await waitForLine(c, pushed, 'subscribed', 30_000);
    await waitForLine(c, outsider, 'subscribed', 30_000);
    // World B: its timeline, and an agent of B emitting and broadcasting.
    await c.worldEvent('wb', 'fs.write', { path: '/b-secret.txt', content: 'content of world B' });
    const bAgent = await startHostile(
      c,
      [
        ['call', 'emit_event', { name: 'b-custom', data: { secret: 'emitted in world B' } }],
        ['call', 'broadcast', { payload: { secret: 'broadcast in world B' } }],
      ],
      { world: 'wb', sandboxed: false },
    );
    await resultsOf(c, bAgent, 2);
    await c.worldEvent('wa', 'custom.marker', { note: 'world A event' });

    const [a, p, o] = [await resultsOf(c, polled, 4), await resultsOf(c, pushed, 4), await resultsOf(c, outsider, 4)];
    const events = JSON.stringify(a[3]?.ok);
    const pushedEvents = JSON.stringify(p[3]?.ok);
    const outsiderEvents = JSON.stringify(o[3]?.ok);
    expect(events).toContain('world A event');
    expect(pushedEvents).toContain('world A event');
    for (const seen of [events, pushedEvents, outsiderEvents]) {
      expect(seen).not.toContain('content of world B');
      expect(seen).not.toContain('emitted in world B');
      expect(seen).not.toContain('broadcast in world B');
    }
    // An agent in no world sees no world's timeline either.
    expect(outsiderEvents).not.toContain('world A event');
  });

  it("operators see every world's events", async () => {
    const op = await k.client();
    await op.subscribe(['WORLD_EVENT']);
    await c.worldEvent('wb', 'custom.op', { note: 'for the operator' });
    const { events } = await op.pollEvents({ max: 100, timeoutMs: 2000 });
    expect(JSON.stringify(events)).toContain('for the operator');
  });

  it('BROADCAST from an agent in world B reaches only agents of world B', async () => {
    const listener = await startHostile(c, [['print', 'ready'], ['sleep', 1.5], ['call', 'recv', { timeout_ms: 200 }]], { world: 'wa', sandboxed: false });
    const sibling = await startHostile(c, [['print', 'ready'], ['sleep', 1.5], ['call', 'recv', { timeout_ms: 200 }]], { world: 'wb', sandboxed: false });
    await waitForLine(c, listener, 'ready', 30_000);
    await waitForLine(c, sibling, 'ready', 30_000);
    const sender = await startHostile(c, [['call', 'broadcast', { payload: { secret: 'world B only' } }]], { world: 'wb', sandboxed: false });
    const [sent] = await resultsOf(c, sender, 1);
    const [, , inA] = await resultsOf(c, listener, 3);
    const [, , inB] = await resultsOf(c, sibling, 3);
    expect(JSON.stringify(inA)).not.toContain('world B only');
    expect(JSON.stringify(inB)).toContain('world B only');
    expect(sent?.ok).toMatchObject({ delivered: 1 });
  });
});
