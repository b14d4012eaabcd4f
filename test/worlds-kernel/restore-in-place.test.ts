import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord, CloveClient } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';

// `WORLD_RESTORE in_place` on worlds agents used: it completes (files, tree on disk, clock, mocks,
// world state, timeline) or changes nothing; agents still running keep running in the rewound tree.

let c: CloveClient;
const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
});

const worker = fixture('agents', 'rewind_worker.py');

function worldSource(name: string, clock: string, extraFile = ''): string {
  return [
    `name: ${name}`,
    `clock: ${clock}`,
    'filesystem:',
    '  files:',
    '    - { path: /project/README.md, content: "hello\\n" }',
    ...(extraFile ? [`    - { path: "/project/${extraFile}", content: "x" }`] : []),
    '  directories: [/project/out]',
    'network:',
    '  mode: mock',
    '  routes:',
    '    - { url: "https://api.example.com/todos", json: [1, 2] }',
    '',
  ].join('\n');
}

/** Every path under a host directory, relative, directories marked with a trailing slash. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out.push(`${relative(dir, p)}/`);
        walk(p);
      } else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

async function untilLogged(agent: number, text: string): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const lines = (await c.logs(agent)).lines.map((l) => l.text);
    if (lines.some((l) => l.includes(text))) return lines;
    if (Date.now() > deadline) throw new Error(`agent ${agent} never printed ${text}; output:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitDone(agent: AgentRecord): Promise<AgentRecord> {
  const done = await c.wait(agent.id, 30_000);
  if (done.exitCode !== 0) {
    const lines = (await c.logs(agent.id)).lines.map((l) => l.text);
    throw new Error(`agent ended ${done.state} (${done.exitCode ?? done.signal}):\n${lines.join('\n')}`);
  }
  return done;
}

const clocks = {
  discrete: '{ mode: discrete }',
  // So slow that virtual time does not move while the test runs: the state hash can be compared.
  scaled: '{ mode: scaled, factor: 0.00001 }',
  realtime: '{ mode: realtime }',
} as const;

describe('world restore --in-place on a world agents used', () => {
  it.each(Object.keys(clocks) as Array<keyof typeof clocks>)('rewinds a %s world completely: files, tree on disk, clock, mocks, state, timeline', async (mode) => {
    const name = `used-${mode}`;
    await c.worldCreate({ source: worldSource(name, clocks[mode]) });
    await c.worldEvent(name, 'custom.before', {});
    const snap = await c.worldSnapshot(name, join(k.dir, `${name}.snap`));
    const before = await c.worldState(name, { timeline: true, requests: true, diff: true, kv: true });

    const agent = await c.spawn({ script: worker, world: name, env: { CLOVE_REWIND_MODE: 'exit' } });
    await waitDone(agent);
    await c.worldEvent(name, 'custom.after', {});
    const used = await c.worldState(name, { diff: true, requests: true });
    expect(used.diff?.added).toEqual(expect.arrayContaining(['/project/out/plain.txt', '/project/out/sdk.txt']));
    expect(used.requests).toHaveLength(1);
    const dir = used.world.directory;
    expect(dir).toBeTruthy();

    const restored = await c.worldRestore({ path: String(snap.path) }, { name, inPlace: true });
    const after = await c.worldState(name, { timeline: true, requests: true, diff: true, kv: true });
    if (mode !== 'realtime') expect(restored.stateHash).toBe(snap.stateHash);
    expect(after.diff).toEqual(before.diff);
    expect(after.requests).toEqual([]);
    expect(after.kv).toEqual(before.kv);
    expect(after.timeline?.map((e) => e.type)).toEqual(['custom.before']);
    expect(after.world.directory).toBe(dir);
    expect(tree(dir as string)).toEqual(['project/', 'project/README.md', 'project/out/']);
    if (mode === 'realtime') expect(after.world.elapsedMs - before.world.elapsedMs).toBeLessThan(5_000);
    else expect(after.world.elapsedMs).toBe(before.world.elapsedMs);
    // The rewound tree is live: a new agent works in it and its files show up.
    const again = await c.spawn({ script: worker, world: name, env: { CLOVE_REWIND_MODE: 'exit' } });
    await waitDone(again);
    expect((await c.worldState(name, { diff: true })).diff?.added).toEqual(expect.arrayContaining(['/project/out/plain.txt']));
    await c.worldDestroy(name);
  });

  it('keeps a sleeping agent running (realtime): its sleep ends with WORLD_RESTORED and it goes on in the rewound tree', async () => {
    const name = 'running-realtime';
    await c.worldCreate({ source: worldSource(name, clocks.realtime) });
    const snap = await c.worldSnapshot(name, join(k.dir, `${name}.snap`));
    const agent = await c.spawn({ script: worker, world: name, env: { CLOVE_REWIND_MODE: 'sleep' } });
    await untilLogged(agent.id, 'READY');
    await c.worldRestore({ path: String(snap.path) }, { name, inPlace: true });
    await waitDone(agent);
    const lines = (await c.logs(agent.id)).lines.map((l) => l.text);
    expect(lines).toEqual(expect.arrayContaining(['ERR WORLD_RESTORED', 'DONE']));
    const { diff, kv } = await c.worldState(name, { diff: true, kv: true });
    expect(diff?.added.sort()).toEqual(['/project/out/after-sdk.txt', '/project/out/after.txt']);
    expect(kv).toEqual({});
    await c.worldDestroy(name);
  });

  it('keeps a waiting agent running (discrete): it stays in the world and its later writes land in the rewound tree', async () => {
    const name = 'running-discrete';
    await c.worldCreate({ source: worldSource(name, clocks.discrete) });
    const snap = await c.worldSnapshot(name, join(k.dir, `${name}.snap`));
    const agent = await c.spawn({ script: worker, world: name, env: { CLOVE_REWIND_MODE: 'recv' } });
    await untilLogged(agent.id, 'READY');
    const restored = await c.worldRestore({ path: String(snap.path) }, { name, inPlace: true });
    expect(restored.agents).toContain(agent.id);
    await c.send(agent.id, { go: true });
    await waitDone(agent);
    const lines = (await c.logs(agent.id)).lines.map((l) => l.text);
    expect(lines).toContain('WOKE');
    const { diff } = await c.worldState(name, { diff: true });
    expect(diff?.added.sort()).toEqual(['/project/out/after-sdk.txt', '/project/out/after.txt']);
    await c.worldDestroy(name);
  });

  it('changes nothing when the snapshot cannot be written to disk', async () => {
    const name = 'atomic';
    await c.worldCreate({ source: worldSource(name, clocks.discrete) });
    const agent = await c.spawn({ script: worker, world: name, env: { CLOVE_REWIND_MODE: 'exit' } });
    await waitDone(agent);
    // A snapshot whose tree holds a name longer than the host allows (ENAMETOOLONG on disk).
    const other = 'long-names';
    await c.worldCreate({ source: worldSource(other, clocks.discrete, 'n'.repeat(300)) });
    const bad = await c.worldSnapshot(other, join(k.dir, `${other}.snap`));
    const before = await c.worldState(name, { timeline: true, requests: true, diff: true, kv: true });
    const dir = before.world.directory as string;
    const disk = tree(dir);

    await expect(c.worldRestore({ path: String(bad.path) }, { name, inPlace: true })).rejects.toMatchObject({ code: 'FS_ERROR', message: expect.stringMatching(/nothing was changed/) });
    const after = await c.worldState(name, { timeline: true, requests: true, diff: true, kv: true });
    expect(after).toEqual(before);
    expect(tree(dir)).toEqual(disk);
    expect(readdirSync(join(dir, '..')).filter((f) => f.includes('before-restore'))).toEqual([]);
  });
});
