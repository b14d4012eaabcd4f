import { describe, expect, it } from 'vitest';
import { createWorld, decodeSnapshot, SNAPSHOT_HEADER_BYTES, World, WorldSnapshotError } from '../../worlds/index.js';

async function busyWorld(): Promise<World> {
  const world = createWorld({
    name: 'snap',
    seed: 9,
    filesystem: { files: [{ path: '/app/a.txt', content: 'a' }, { path: '/app/b.txt', content: 'b' }] },
    network: {
      routes: [
        { url: 'https://api.example.com/items', collection: { items: [{ id: 1 }] } },
        { url: 'https://api.example.com/seq', sequence: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] },
        { url: 'https://api.example.com/flaky', text: 'ok', error_rate: 0.5 },
      ],
    },
    events: [{ name: 'late', type: 'fs.write', at: '1h', params: { path: '/app/late.txt', content: 'late' } }],
  });
  world.fs.writeFile('/app/a.txt', 'changed');
  world.fs.unlink('/app/b.txt');
  world.fs.writeFile('/new/c.bin', Buffer.from([0, 1, 2, 255]), { parents: true });
  world.kv.set('progress', { step: 3, tags: ['x'] });
  await world.fetch({ method: 'POST', url: 'https://api.example.com/items', body: '{"name":"n"}' });
  await world.fetch({ url: 'https://api.example.com/seq' });
  for (let i = 0; i < 5; i++) await world.fetch({ url: 'https://api.example.com/flaky' });
  world.inject('network.outage', { duration: '5m' });
  world.random.next();
  await world.clock.advance(60_000);
  return world;
}

describe('snapshot and restore', () => {
  it('restores a world with the same state hash', async () => {
    const world = await busyWorld();
    const restored = World.restore(world.snapshot());
    expect(restored.name).toBe('snap');
    expect(restored.stateHash()).toBe(world.stateHash());
    expect(restored.fs.diff()).toEqual(world.fs.diff());
    expect(restored.kv.get('progress')).toEqual({ step: 3, tags: ['x'] });
    expect(restored.timeline).toEqual(world.timeline);
    expect(restored.requestLog).toEqual(world.requestLog);
    restored.close();
    world.close();
  });

  it('continues exactly where the original would: sequences, collections, RNG, faults, pending events', async () => {
    const world = await busyWorld();
    const restored = World.restore(world.snapshot(), { name: 'copy' });
    const step = async (w: World): Promise<unknown[]> => {
      const out: unknown[] = [];
      out.push((await w.fetch({ url: 'https://api.example.com/seq' }).catch((e: { code: string }) => e.code)));
      await w.clock.advance(5 * 60_000);
      out.push((await w.fetch({ url: 'https://api.example.com/seq' })).body.toString());
      out.push((await w.fetch({ url: 'https://api.example.com/items' })).body.toString());
      for (let i = 0; i < 8; i++) out.push((await w.fetch({ url: 'https://api.example.com/flaky' })).status);
      out.push(w.random.next());
      await w.clock.runUntilIdle();
      out.push(w.fs.readFile('/app/late.txt').toString(), w.timeline.length);
      return out;
    };
    expect(await step(restored)).toEqual(await step(world));
    expect(restored.stateHash()).toBe(world.stateHash());
    restored.close();
    world.close();
  });

  it('keeps the tree exact over repeated restore cycles with deletions and re-created directories', () => {
    let world = createWorld({ name: 'cycles', filesystem: { files: [{ path: '/base/keep.txt', content: 'k' }, { path: '/base/old/x.txt', content: 'x' }] } });
    world.fs.writeFile('/work/a/one.txt', '1', { parents: true });
    world.fs.writeFile('/work/a/two.txt', '2');
    for (let cycle = 0; cycle < 3; cycle++) {
      const next = World.restore(world.snapshot());
      expect(next.fs.treeHash()).toBe(world.fs.treeHash());
      world.close();
      world = next;
      if (cycle === 0) {
        world.fs.unlink('/work/a/one.txt'); // a file of the restored layer
        world.fs.rm('/base/old', { recursive: true });
        world.fs.mkdir('/base/old'); // re-created: the lower x.txt must stay hidden
      }
      if (cycle === 1) {
        world.fs.unlink('/work/a/two.txt'); // leaves /work/a empty but present
        world.fs.writeFile('/base/old/y.txt', 'y');
      }
    }
    expect(world.fs.readdir('/work/a')).toEqual([]);
    expect(world.fs.readdir('/base/old')).toEqual(['y.txt']);
    expect(world.fs.diff()).toEqual({ added: ['/base/old/y.txt'], modified: [], deleted: ['/base/old/x.txt'] });
    world.close();
  });

  it('keeps forks independent of each other and of the original', async () => {
    const world = await busyWorld();
    const fork = world.fork('snap-fork');
    const fromBytes = World.restore(world.snapshot(), { name: 'snap-2' });
    fork.fs.writeFile('/app/a.txt', 'fork only');
    fork.kv.set('progress', 'fork');
    fork.network.clearFaults();
    await fork.fetch({ method: 'DELETE', url: 'https://api.example.com/items/1' });
    await expect(world.fetch({ url: 'https://api.example.com/items' })).rejects.toMatchObject({ code: 'HTTP_FAILED' });
    expect(world.fs.readFile('/app/a.txt').toString()).toBe('changed');
    expect(fromBytes.fs.readFile('/app/a.txt').toString()).toBe('changed');
    expect(world.kv.get('progress')).toEqual({ step: 3, tags: ['x'] });
    await world.clock.advance(10 * 60_000);
    expect(JSON.parse((await world.fetch({ url: 'https://api.example.com/items' })).body.toString())).toHaveLength(2);
    expect(fork.clock.elapsed()).toBe(60_000);
    expect(JSON.parse((await fork.fetch({ url: 'https://api.example.com/items' })).body.toString())).toEqual([{ id: 2, name: 'n' }]);
    expect(fork.name).toBe('snap-fork');
    for (const w of [world, fork, fromBytes]) w.close();
  });

  it('restores in place, keeping the name and listeners, and cancels old sleeps', async () => {
    const world = await busyWorld();
    const bytes = world.snapshot();
    const hash = world.stateHash();
    const seen: string[] = [];
    world.on('event', (e) => seen.push(e.type));
    world.agentJoined('a');
    const sleeping = world.sleep(1_000, { agent: 'a' });
    world.fs.writeFile('/app/a.txt', 'later');
    world.restoreFrom(bytes);
    await expect(sleeping).rejects.toMatchObject({ code: 'WORLD_RESTORED' });
    expect(world.stateHash()).toBe(hash);
    world.inject('custom.after-restore');
    expect(seen).toEqual(['custom.after-restore']);
    expect(world.clock.agents()).toEqual([{ agent: 'a', blocked: false }]);
    world.close();
  });

  it.each([
    ['foreign', (b: Buffer) => Buffer.from(`PK\u0003\u0004${b.toString('latin1').slice(4)}`, 'latin1'), /magic/],
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 10), /truncated/],
    ['too short', (b: Buffer) => b.subarray(0, 10), /shorter than/],
    ['corrupt', (b: Buffer) => { const c = Buffer.from(b); c[c.length - 3] = (c[c.length - 3] ?? 0) ^ 0xff; return c; }, /checksum/],
    ['future version', (b: Buffer) => { const c = Buffer.from(b); c.writeUInt16BE(99, 8); return c; }, /version 99/],
  ] as const)('rejects a %s snapshot with WORLD_SNAPSHOT_INVALID and changes nothing', async (_kind, damage, reason) => {
    const world = await busyWorld();
    const hash = world.stateHash();
    const bad = damage(world.snapshot());
    expect(() => World.restore(bad)).toThrow(WorldSnapshotError);
    expect(() => world.restoreFrom(bad)).toThrow(expect.objectContaining({ code: 'WORLD_SNAPSHOT_INVALID', message: expect.stringMatching(reason) }));
    expect(world.stateHash()).toBe(hash);
    world.close();
  });

  it('writes a versioned header, then msgpack metadata and raw file bytes', async () => {
    const world = await busyWorld();
    const bytes = world.snapshot();
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('CLOVEWLD');
    expect(bytes.readUInt16BE(8)).toBe(1);
    expect(bytes.readUInt32BE(12) + bytes.readUInt32BE(16)).toBe(bytes.length - SNAPSHOT_HEADER_BYTES);
    const state = decodeSnapshot(bytes);
    expect(state.fs.changes.files.map(([p]) => p)).toEqual(['/app/a.txt', '/new/c.bin']);
    expect(state.fs.whiteouts).toEqual(['/app/b.txt']);
    expect(state.events.pending.map((e) => e.type)).toEqual(['fs.write']);
    world.close();
  });
});
