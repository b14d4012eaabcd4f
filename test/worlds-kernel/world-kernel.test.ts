import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { fixture, type Outcome, runScripted, useTestKernel } from '../helpers/kernel.js';

const source = readFileSync(fixture('worlds', 'project.yaml'), 'utf8');
let c: CloveClient;
let n = 0;

const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
});

async function freshWorld(): Promise<string> {
  const name = `w${++n}`;
  await c.worldCreate({ source, file: fixture('worlds', 'project.yaml'), name });
  return name;
}

function runIn(world: string, steps: unknown[][]): Promise<Outcome[]> {
  return runScripted(c, steps, { world });
}

describe('worlds in the kernel', () => {
  it('creates, lists, describes and destroys a world', async () => {
    const name = await freshWorld();
    const listed = await c.worldList();
    expect(listed.map((w) => w.name)).toContain(name);
    const state = await c.worldState(name, { timeline: true });
    expect(state.world).toMatchObject({ name, seed: '7', clockMode: 'discrete', time: '2026-03-01T09:00:00.000Z' });
    await expect(c.worldCreate({ source, name })).rejects.toMatchObject({ code: 'WORLD_EXISTS' });
    await c.worldDestroy(name);
    await expect(c.worldState(name)).rejects.toMatchObject({ code: 'WORLD_NOT_FOUND' });
  });

  it('reports schema errors with line and column', async () => {
    const bad = 'name: broken\nclock:\n  mode: sideways\nnetwork:\n  routes: 3\n';
    const error = await c.worldCreate({ source: bad, file: 'broken.yaml' }).catch((e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({ code: 'WORLD_SCHEMA_INVALID' });
    expect((error as { message: string }).message).toMatch(/broken\.yaml:3:\d+/);
    expect((error as { message: string }).message).toMatch(/broken\.yaml:5:\d+/);
  });

  it("gives agents the world's files by syscall, and refuses escapes", async () => {
    const name = await freshWorld();
    const [read, write, list, escape] = await runIn(name, [
      ['read', '/data/input.csv'],
      ['write', '/out/result.txt', 'done'],
      ['listdir', '/'],
      ['read', '../../../etc/passwd'],
    ]);
    expect(read?.ok.content).toBe('id,value\n1,10\n2,20\n');
    expect(write?.ok).toMatchObject({ path: '/out/result.txt', written: 4 });
    expect(list?.ok.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['README.md', 'data', 'out']));
    expect(escape?.error).toBe('FS_PATH_ESCAPE');
    const state = await c.worldState(name, { diff: true });
    expect(state.diff?.added).toContain('/out/result.txt');
  });

  it('brings plain file I/O of an agent process back into the world, leaving the host untouched', async () => {
    const name = await freshWorld();
    const agent = await c.spawn({ script: fixture('agents', 'file-writer.js'), world: name, cwd: k.dir });
    expect((await c.wait(agent.id, 10_000)).exitCode).toBe(0);
    const state = await c.worldState(name, { diff: true });
    expect(state.diff).toEqual({ added: ['/out/summary.txt'], modified: [], deleted: ['/README.md'] });
    expect((await c.call<{ content: string }>('READ', { path: '/out/summary.txt', world: name })).content).toBe('rows=2\n');
    expect(existsSync(join(k.dir, 'out'))).toBe(false);
  });

  it("answers HTTP from the world's mocks and blocks the rest", async () => {
    const name = await freshWorld();
    const [item, unmatched] = await runIn(name, [
      ['http', { url: 'https://api.example.com/items/42' }],
      ['http', { url: 'https://elsewhere.example.org/' }],
    ]);
    expect(item?.ok.status).toBe(200);
    expect(JSON.parse(item?.ok.body)).toEqual({ id: '42', ok: true });
    expect(unmatched?.error).toBe('HTTP_BLOCKED');
    const state = await c.worldState(name, { requests: true });
    expect(state.requests?.length).toBe(2);
  });

  it('runs time on the world clock: an hour of sleep passes at once in discrete mode', async () => {
    const name = await freshWorld();
    const [before, slept, after] = await runIn(name, [['time'], ['sleep', 3_600_000], ['time']]);
    expect(before?.ok).toMatchObject({ world: name, iso: '2026-03-01T09:00:00.000Z' });
    expect(slept?.ok.sleptMs).toBe(3_600_000);
    expect(after?.ok.iso).toBe('2026-03-01T10:00:00.000Z');
  });

  it('applies injected faults to what agents observe', async () => {
    const name = await freshWorld();
    await c.subscribe(['WORLD_EVENT']);
    await c.worldEvent(name, 'fs.corrupt', { path: '/data/input.csv', mode: 'truncate', length: 3 });
    await c.worldEvent(name, 'network.outage', { duration: '1h' });
    const [read, http] = await runIn(name, [['read', '/data/input.csv'], ['http', { url: 'https://api.example.com/items/1' }]]);
    expect(read?.ok.content).toBe('id,');
    expect(http?.ok?.status ?? http?.error).not.toBe(200);
    const { events } = await c.pollEvents({ timeoutMs: 500 });
    expect(events.filter((e) => e.type === 'WORLD_EVENT').map((e) => e.data.type)).toEqual(expect.arrayContaining(['fs.corrupt', 'network.outage']));
  });

  it('kills an agent on an agent.kill event', async () => {
    const name = await freshWorld();
    const agent = await c.spawn({ script: fixture('agents', 'sleeper.js'), world: name, name: `victim-${name}` });
    await c.worldEvent(name, 'agent.kill', { agent: agent.name });
    const done = await c.wait(agent.id, 10_000);
    expect(done.state).toBe('killed');
  });

  it('snapshots and restores a world exactly, forks stay independent, corrupt files are refused', async () => {
    const name = await freshWorld();
    await runIn(name, [['write', '/notes.txt', 'v1'], ['store', 'k', 1, { scope: 'world' }]]);
    const file = join(k.dir, `${name}.snap`);
    const snap = await c.worldSnapshot(name, file);
    expect(snap.processesCaptured).toBe(false);
    const fork = await c.worldRestore({ path: file }, { name: `${name}-fork` });
    expect(fork.stateHash).toBe(snap.stateHash);
    await c.call('WRITE', { world: `${name}-fork`, path: '/notes.txt', content: 'v2' });
    expect((await c.call<{ content: string }>('READ', { world: name, path: '/notes.txt' })).content).toBe('v1');
    expect((await c.fetch('k', { scope: 'world', world: `${name}-fork` } as never)).value).toBe(1);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    await expect(c.worldRestore({ path: file }, { name: `${name}-bad` })).rejects.toMatchObject({ code: 'WORLD_SNAPSHOT_INVALID' });
    expect((await c.worldList()).map((w) => w.name)).not.toContain(`${name}-bad`);
  });

  it("stops an agent after the world's agent timeout of virtual time", async () => {
    await c.worldCreate({ source: 'name: deadline\nclock: { mode: discrete }\nagents:\n  limits: { timeout: 5m }\n' });
    const agent = await c.spawn({ script: fixture('agents', 'scripted.ts'), world: 'deadline', env: { CLOVE_SCRIPT: JSON.stringify([['sleep', 3_600_000]]) } });
    const done = await c.wait(agent.id, 20_000);
    expect(done.state).toBe('killed');
    const state = await c.worldState('deadline');
    expect(state.world.elapsedMs).toBe(300_000);
  });
});
