import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloveClient, KernelEvent } from '../../sdk/index.js';
import { fixture, testKernel, type TestKernel } from '../helpers/kernel.js';

const root = process.getuid?.() === 0;
const memoryController = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') || existsSync('/sys/fs/cgroup/cgroup.controllers');

let k: TestKernel | undefined;
afterEach(async () => {
  await k?.stop();
  k = undefined;
});

async function warnings(c: CloveClient, until: (e: KernelEvent) => boolean, timeoutMs = 10_000): Promise<KernelEvent[]> {
  const seen: KernelEvent[] = [];
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const { events } = await c.pollEvents({ timeoutMs: 300 });
    seen.push(...events);
    if (events.some(until)) return seen;
  }
  return seen;
}

describe('RESOURCE_WARNING', () => {
  it('warns once when a mailbox is nearly full', async () => {
    k = await testKernel({ mailboxCapacity: 10 });
    const c = await k.client();
    await c.subscribe(['RESOURCE_WARNING']);
    const agent = await c.spawn({ script: fixture('agents', 'sleeper.js') });
    for (let i = 0; i < 10; i++) await c.send(agent.id, i);
    const seen = await warnings(c, (e) => e.data.resource === 'mailbox', 2000);
    const mailbox = seen.filter((e) => e.data.resource === 'mailbox');
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]).toMatchObject({ source: agent.id, data: { current: 9, limit: 10 } });
  });

  it('warns when an agent loses log lines', async () => {
    k = await testKernel({ logLines: 5 });
    const c = await k.client();
    await c.subscribe(['RESOURCE_WARNING']);
    const agent = await c.spawn({ script: fixture('agents', 'chatty.js') });
    const seen = await warnings(c, (e) => e.data.resource === 'logs');
    expect(seen.find((e) => e.data.resource === 'logs')).toMatchObject({ source: agent.id, data: { name: agent.name } });
  });

  it.skipIf(!root || !memoryController)('warns when a sandboxed agent nears its memory limit (needs root and the memory controller)', async () => {
    k = await testKernel();
    const c = await k.client();
    await c.subscribe(['RESOURCE_WARNING']);
    const agent = await c.spawn({ script: fixture('sandbox', 'memory-high.py'), cwd: '/', sandboxed: true, limits: { memory: '64M' } });
    const seen = await warnings(c, (e) => e.data.resource === 'memory', 15_000);
    const memory = seen.find((e) => e.data.resource === 'memory');
    expect(memory, JSON.stringify(await c.logs(agent.id))).toMatchObject({ source: agent.id, data: { limit: 64 * 1024 * 1024 } });
    expect(memory?.data.ratio).toBeGreaterThanOrEqual(0.9);
  });
});
