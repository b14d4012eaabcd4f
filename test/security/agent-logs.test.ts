import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord, CloveClient } from '../../sdk/index.js';
import { eventually, fixture, runScripted, useTestKernel } from '../helpers/kernel.js';

// What an agent prints can hold its secrets (a token it was handed, a key it read): another agent
// may read it only if it spawned that agent or holds the `logs` grant.

const k = useTestKernel();
let c: CloveClient;
let victim: AgentRecord;

beforeAll(async () => {
  c = await k.client();
  victim = await c.spawn({ script: fixture('agents', 'chatty.js'), name: 'victim' });
  await eventually(async () => (await c.logs(victim.id)).lines.length > 0 || undefined);
});

describe('LOGS between agents', () => {
  it("refuses an agent reading the output of an agent it did not spawn, by id and by name", async () => {
    const [byId, byName] = await runScripted(c, [['logs', victim.id], ['logs', 'victim']]);
    expect(byId).toMatchObject({ error: 'KERNEL_FORBIDDEN' });
    expect(byId!.message).toMatch(/victim.*'logs'/);
    expect(byName).toMatchObject({ error: 'KERNEL_FORBIDDEN' });
  });

  it('lets an agent holding the logs grant read it, and an agent without it read its own', async () => {
    const [other] = await runScripted(c, [['logs', victim.id]], { grants: ['logs'] });
    expect(other!.ok.lines.map((l: { text: string }) => l.text)).toContain('line 0');
    const [own] = await runScripted(c, [['logs', 'reader-self']], { name: 'reader-self' });
    expect(own).toHaveProperty('ok');
  });

  it('still lets the operator read every agent', async () => {
    expect((await c.logs(victim.id)).lines[0]!.text).toBe('line 0');
  });
});
