import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord, CloveClient, SpawnRequest } from '../../sdk/index.js';
import { eventually, fixture, runScripted, useTestKernel } from '../helpers/kernel.js';
import { cgroupVersion, missing } from '../sandbox-kernel/helpers.js';

// A hostile agent asks SPAWN for a child with more than it has itself. Each ask must be refused
// with SPAWN_EXCEEDS_PARENT naming the excess, and what it leaves out must be inherited.

const skip = missing('memory', 'pids');
let c: CloveClient;
let work: string;

beforeAll(async () => {
  if (skip) return;
});
const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
  work = mkdtempSync(join(tmpdir(), 'clove-esc-'));
  chmodSync(work, 0o755);
  // Beside the working directory, under the hidden /tmp: the parent's sandbox does not show it.
  writeFileSync(join(tmpdir(), `clove-esc-hidden-${process.pid}.js`), 'console.log("escaped")\n');
  await c.worldCreate({ source: 'name: esc-a\n', name: 'esc-a' });
  await c.worldCreate({ source: 'name: esc-b\nfilesystem:\n  files:\n    - path: /secret.txt\n      content: "b-secret"\n', name: 'esc-b' });
});
afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  rmSync(join(tmpdir(), `clove-esc-hidden-${process.pid}.js`), { force: true });
});

const child = (extra: Partial<SpawnRequest>): SpawnRequest => ({ script: fixture('agents', 'sleeper-quiet.js'), ...extra });
const parentSpawn = (extra: Partial<SpawnRequest> = {}): Partial<SpawnRequest> => ({
  sandboxed: true,
  cwd: work,
  limits: { memory: '96M', maxPids: 24, cpuQuota: 0.5 },
  ...extra,
});

describe.skipIf(skip)(`SPAWN from a sandboxed agent ${skip ? `(skipped: ${skip})` : ''}`, () => {
  it('refuses every ask beyond the parent, naming it, with SPAWN_EXCEEDS_PARENT', async () => {
    const asks: Array<[Partial<SpawnRequest>, RegExp]> = [
      [{ sandboxed: false, permissions: 'UNRESTRICTED' }, /sandboxed: false/],
      [{ network: true }, /network: true/],
      [{ limits: { memory: '1G' } }, /limits\.memory/],
      [{ limits: { maxPids: 1000 } }, /limits\.max_pids/],
      [{ limits: { cpuQuota: 2 } }, /limits\.cpu_quota/],
      [{ permissions: 'UNRESTRICTED' }, /level UNRESTRICTED/],
      [{ permissions: 'STANDARD' }, /paths\.read\.allow \/\*\*/],
      [{ permissions: { level: 'SANDBOXED', http: { allowed: true } } }, /http\.allowed/],
      [{ grants: ['kill'] }, /grants kill/],
      [{ world: 'esc-b' }, /world 'esc-b'/],
      [{ cwd: '/' }, /cwd \//],
      [{ script: join(tmpdir(), `clove-esc-hidden-${process.pid}.js`), cwd: work }, /hidden in the parent's sandbox/],
    ];
    const outcomes = await runScripted(
      c,
      asks.map(([extra]) => ['spawn', child(extra)]),
      parentSpawn(),
    );
    for (const [i, [extra, pattern]] of asks.entries()) {
      expect(outcomes[i], JSON.stringify(extra)).toMatchObject({ error: 'SPAWN_EXCEEDS_PARENT' });
      expect(outcomes[i]!.message, JSON.stringify(extra)).toMatch(pattern);
    }
    // Nothing was started by any of them.
    const started = (await c.list({ all: true })).filter((a) => a.script.endsWith('sleeper-quiet.js'));
    expect(started).toEqual([]);
    // The kernel keeps serving.
    await expect(c.noop({ still: 'here' })).resolves.toBeTruthy();
  });

  it('a child that asks nothing inherits the sandbox, limits and permissions, in a cgroup nested in the parent', async () => {
    const [outcome] = await runScripted(c, [['spawn', child({ name: 'inherits' })]], parentSpawn({ name: 'esc-parent' }));
    const record = outcome!.ok as AgentRecord & { isolation: { cgroup: { path: string } } };
    try {
      expect(record.isolation.sandboxed).toBe(true);
      expect(record.isolation.uid).toBe(65534);
      expect(record.isolation.limits.memory.requested).toBe(96 * 1024 * 1024);
      expect(record.isolation.limits.pids.requested).toBe(24);
      expect(record.isolation.limits.cpu.requested).toBe(0.5);
      const perms = await c.getPerms(record.id);
      expect(perms.permissions.level).toBe('SANDBOXED');
      if (cgroupVersion === 'v1') {
        // Nested: the parent's limits count the child's memory and processes too.
        const parent = (await c.list({ all: true })).find((a) => a.name === 'esc-parent')!;
        const parentPath = parent.isolation.cgroup.path!;
        expect(record.isolation.cgroup.path.startsWith(`${parentPath}/`)).toBe(true);
        // The parent has exited: its group stays while the child lives, and holds the child's tasks.
        const pidsDir = parentPath.replace('/memory/', '/pids/');
        // The sandbox helper joins the child's group just before exec, which may come a moment after SPAWN answers.
        const tasks = await eventually(() => {
          const n = Number(readFileSync(join(pidsDir, 'pids.current'), 'utf8'));
          return n >= 1 ? n : undefined;
        }, 5000).catch(async () => {
          const state = (await c.list({ all: true })).find((a) => a.id === record.id);
          throw new Error(`the parent's pids group never counted the child (child state: ${state?.state})`);
        });
        expect(tasks).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await c.kill(record.id, { signal: 'SIGKILL' });
    }
    if (cgroupVersion === 'v1') {
      // The parent's group, kept while the child lived, goes with the child's.
      const parentPath = (await c.list({ all: true })).find((a) => a.name === 'esc-parent')!.isolation.cgroup.path!;
      await eventually(() => !existsSync(parentPath), 5000);
    }
  });

  it.skipIf(cgroupVersion !== 'v1')('children count against the parent\'s pids limit: a family cannot grow past it', async () => {
    const tree = fixture('agents', 'process-tree.sh');
    const steps = Array.from({ length: 10 }, (_, i) => ['spawn', { script: tree, args: ['hold'], name: `family-${i}` }]);
    const outcomes = await runScripted(c, steps, parentSpawn({ name: 'family-head', limits: { memory: '256M', maxPids: 40 } }));
    const started = outcomes.filter((o) => o.ok).map((o) => (o.ok as AgentRecord).id);
    try {
      const head = (await c.list({ all: true })).find((a) => a.name === 'family-head')!;
      const pidsDir = head.isolation.cgroup.path!.replace('/memory/', '/pids/');
      expect(readFileSync(join(pidsDir, 'pids.max'), 'utf8').trim()).toBe('40');
      // Each child is 5 tasks (launcher, init, sh, two sleeps): ten of them do not fit in 40.
      await eventually(async () => {
        const records = (await c.list({ all: true })).filter((a) => a.name.startsWith('family-') && a.name !== 'family-head');
        return records.every((r) => r.state !== 'starting') ? true : undefined;
      });
      expect(Number(readFileSync(join(pidsDir, 'pids.current'), 'utf8'))).toBeLessThanOrEqual(40);
      const running = (await c.list()).filter((a) => a.name.startsWith('family-') && a.name !== 'family-head');
      expect(running.length).toBeLessThan(10);
    } finally {
      for (const id of started) await c.kill(id, { signal: 'SIGKILL' }).catch(() => undefined);
    }
  });

  it('a child of an agent in a world stays in that world', async () => {
    const [inWorld, other] = await runScripted(
      c,
      [
        ['spawn', child({ name: 'world-child' })],
        ['spawn', child({ world: 'esc-b' })],
      ],
      parentSpawn({ world: 'esc-a' }),
    );
    const record = inWorld!.ok as { id: number; world: string };
    expect(record.world).toBe('esc-a');
    await c.kill(record.id, { signal: 'SIGKILL' });
    expect(other).toMatchObject({ error: 'SPAWN_EXCEEDS_PARENT' });
  });

  it('a plain parent without grants cannot put a child into a world or give it grants', async () => {
    const outcomes = await runScripted(c, [
      ['spawn', child({ world: 'esc-b' })],
      ['spawn', child({ grants: ['shutdown'] })],
      ['spawn', child({ limits: { maxPids: 64 } })],
    ], { limits: { maxPids: 32 } });
    expect(outcomes[0]).toMatchObject({ error: 'SPAWN_EXCEEDS_PARENT' });
    expect(outcomes[1]).toMatchObject({ error: 'SPAWN_EXCEEDS_PARENT' });
    expect(outcomes[2]).toMatchObject({ error: 'SPAWN_EXCEEDS_PARENT' });
  });

  it('operators keep full rights', async () => {
    const agent = await c.spawn(child({ permissions: 'UNRESTRICTED', grants: ['kill'], world: 'esc-b' }));
    expect(agent.world).toBe('esc-b');
    await c.kill(agent.id, { signal: 'SIGKILL' });
  });
});
