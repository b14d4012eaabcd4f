import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';

// An agent opening connection after connection with its own token: each costs the kernel a
// descriptor and buffers. The agent_connections quota bounds them per agent.

const k = useTestKernel();
let c: CloveClient;

beforeAll(async () => {
  c = await k.client();
});

async function flood(quotas?: Record<string, number>): Promise<{ held: number; refused: string | null; echo: unknown }> {
  const agent = await c.spawn({ script: fixture('agents', 'connection-flood.js'), ...(quotas ? { quotas } : {}) });
  const done = await c.wait(agent.id, 30_000);
  const lines = (await c.logs(agent.id)).lines.map((l) => l.text);
  expect(done.exitCode, lines.join('\n')).toBe(0);
  return Object.assign({}, ...lines.map((l) => JSON.parse(l)));
}

describe('agent_connections quota', () => {
  it('refuses the 33rd connection of one agent (its own channel is one of them), and serves the rest', async () => {
    const out = await flood();
    expect(out).toEqual({ held: 31, refused: 'QUOTA_EXCEEDED', echo: 'still here' });
    expect((await c.status()).version).toBeTruthy();
  });

  it('takes a lower value from SPAWN quotas', async () => {
    const out = await flood({ agentConnections: 4 });
    expect(out).toMatchObject({ held: 3, refused: 'QUOTA_EXCEEDED' });
  });
});
