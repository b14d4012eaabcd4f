import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { eventually, fixture, type Outcome, runScripted, useTestKernel } from '../helpers/kernel.js';

let c: CloveClient;
const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
});

function run(steps: unknown[][], spawn: Record<string, unknown> = {}): Promise<Outcome[]> {
  return runScripted(c, steps, spawn);
}

describe('access control', () => {
  it("keeps agents out of worlds they are not in", async () => {
    await c.worldCreate({ source: 'name: private\nfilesystem:\n  files:\n    - { path: /secret.txt, content: hidden }\n' });
    const [read, write, state] = await run([
      ['call', 'READ', { path: '/secret.txt', world: 'private' }],
      ['call', 'WRITE', { path: '/pwned.txt', content: 'x', world: 'private' }],
      ['worldState', 'private'],
    ]);
    expect(read?.error, JSON.stringify([read, write, state])).toBe('KERNEL_FORBIDDEN');
    expect(write?.error).toBe('KERNEL_FORBIDDEN');
    expect(state?.error).toBe('KERNEL_FORBIDDEN');
    expect((await c.worldState('private', { diff: true })).diff?.added).toEqual([]);
  });

  it('lets an agent act on others only with a grant, and pass on only what it holds', async () => {
    const stranger = await c.spawn({ script: fixture('agents', 'sleeper.js') });
    const [denied] = await run([['kill', stranger.id]]);
    expect(denied?.error).toBe('KERNEL_FORBIDDEN');
    const [passOn] = await run([['spawn', { script: fixture('agents', 'sleeper.js'), grants: ['perms'] }]], { grants: ['kill'] });
    expect(passOn?.error).toBe('SPAWN_EXCEEDS_PARENT');
    const [killed] = await run([['kill', stranger.id]], { grants: ['kill'] });
    expect(killed?.ok).toMatchObject({ killed: true });
  });

  it('applies the agent HTTP rules to requests an allow-list world lets out', async () => {
    const server = createServer((_req, res) => res.end('real'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      await c.worldCreate({ source: `name: leaky\nnetwork:\n  mode: allow-list\n  allow: ["127.0.0.1"]\n` });
      const url = `http://127.0.0.1:${port}/`;
      const [blocked] = await run([['http', { url }]], { world: 'leaky', permissions: 'SANDBOXED' });
      expect(blocked?.error).toBe('PERM_DENIED');
      const [allowed] = await run([['http', { url }]], { world: 'leaky', permissions: { level: 'STANDARD', http: { allowed: true, domains: ['127.0.0.1'] } } });
      expect(allowed?.ok).toMatchObject({ status: 200, body: 'real' });
    } finally {
      server.close();
    }
  });

  it('audits quota refusals as denials and keeps token counts readable', async () => {
    const [, refused] = await run([['think', { prompt: 'one', maxTokens: 50 }], ['think', 'two']], {
      permissions: { level: 'STANDARD', llm: { allowed: true, maxCalls: 1, maxTokens: null } },
    });
    expect(refused?.error).toBe('LLM_QUOTA_EXCEEDED');
    const [notAllowed] = await run([['think', 'x']], { permissions: { level: 'STANDARD', llm: { allowed: false, maxCalls: null, maxTokens: null } } });
    expect(notAllowed?.error).toBe('PERM_DENIED');
    const records = await eventually(() => {
      const lines = readFileSync(join(k.dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { opcode: string; decision: string; rule?: string; args: string });
      const thinks = lines.filter((r) => r.opcode === 'THINK');
      return thinks.length >= 3 ? thinks : undefined;
    });
    expect(records.find((r) => r.rule === 'llm.max_calls')?.decision).toBe('denied');
    expect(records.some((r) => r.args.includes('"max_tokens":50'))).toBe(true);
  });
});
