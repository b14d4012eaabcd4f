/**
 * State and events: the store's scopes and TTL, and the event bus (subscribe, emit, poll).
 *
 *   clove agent run examples/agents/state-events/state-events.ts --wait
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runAgent, type StoreScope } from 'clove/sdk';

await runAgent(async (clove) => {
  const prefix = `demo/${clove.identity?.agentName ?? 'operator'}/`;
  await clove.subscribe(['STATE_CHANGED', 'CUSTOM']);

  await clove.store(`${prefix}greeting`, 'hello', { scope: 'global' }); // every client sees it
  await clove.store(`${prefix}counter`, 1, { scope: 'agent' }); // only this agent
  await clove.store(`${prefix}draft`, { step: 1 }, { scope: 'session' }); // only this connection
  await clove.store(`${prefix}flash`, 'gone soon', { ttlMs: 200 }); // expires

  for (const scope of ['global', 'agent', 'session'] satisfies StoreScope[]) {
    console.log(`${scope.padEnd(7)} keys: ${JSON.stringify(await clove.keys({ prefix, scope }))}`);
  }
  console.log(`fetch greeting: ${JSON.stringify(await clove.fetch(`${prefix}greeting`))}`);
  console.log(`fetch counter as global: ${JSON.stringify(await clove.fetch(`${prefix}counter`))}`);
  await sleep(300);
  console.log(`fetch flash after 300 ms: ${JSON.stringify(await clove.fetch(`${prefix}flash`))}`);

  const { seq } = await clove.emitEvent('demo.progress', { percent: 100 });
  console.log(`emitted CUSTOM event #${seq}`);
  await clove.delete(`${prefix}greeting`);

  const { events } = await clove.pollEvents({ max: 50, timeoutMs: 1000 });
  for (const event of events) console.log(`event #${event.seq} ${event.type} ${JSON.stringify(event.data)}`);
  const ok = events.some((e) => e.type === 'CUSTOM') && events.some((e) => e.type === 'STATE_CHANGED');
  if (!ok) process.exitCode = 1;
});
