import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { createWorld } from '../../worlds/index.js';
import { useTestKernel } from '../helpers/kernel.js';
import { waitForLine } from '../helpers/agent-logs.js';
import { hostile, NOT_ROOT, resultsOf, rootSecret, startHostile } from './helpers.js';

// Link tricks against a world's materialised tree: a sandboxed agent (uid 65534) owns that
// directory, the kernel (root) writes, makes directories, chowns and reads there. Each attack
// plants a link where the kernel is about to act and checks that the host target is untouched.

const WORLD = `version: 1
name: links
filesystem:
  files:
    - path: /README.md
      content: "read me\\n"
clock: { mode: discrete }
`;

let c: CloveClient;
let victims: string;
let n = 0;

/** A root-owned 0700 directory holding a root-owned 0600 file, outside every world. */
function victim(): { dir: string; file: string } {
  return rootSecret(victims, 'original');
}

function untouched(v: { dir: string; file: string }): void {
  expect(readFileSync(v.file, 'utf8')).toBe('original');
  const file = statSync(v.file);
  expect({ uid: file.uid, gid: file.gid, mode: file.mode & 0o7777 }).toEqual({ uid: 0, gid: 0, mode: 0o600 });
  const dir = statSync(v.dir);
  expect({ uid: dir.uid, mode: dir.mode & 0o7777 }).toEqual({ uid: 0, mode: 0o700 });
  expect(readdirSync(v.dir)).toEqual(['data.txt']);
}

async function world(): Promise<string> {
  const name = `links-${++n}`;
  await c.worldCreate({ source: WORLD, name });
  return name;
}

describe.skipIf(NOT_ROOT)(`links in a world's tree${NOT_ROOT ? ` (skipped: ${NOT_ROOT})` : ''}`, () => {
  const k = useTestKernel();
  beforeAll(async () => {
    c = await k.client();
    victims = mkdtempSync(join(tmpdir(), 'clove-victims-'));
  });
  afterAll(async () => {
    if (victims) rmSync(victims, { recursive: true, force: true });
  });

  it('WRITE and MKDIR write through to the tree without following planted file and directory links', async () => {
    const name = await world();
    const [file, dir, mk] = [victim(), victim(), victim()];
    const results = await hostile(
      c,
      [
        ['symlink', file.file, 'evil.txt'],
        ['call', 'write', { path: '/evil.txt', content: 'pwned' }],
        ['symlink', dir.dir, 'evildir'],
        ['call', 'write', { path: '/evildir/new.txt', content: 'pwned' }],
        ['symlink', mk.dir, 'mk'],
        ['call', 'mkdir', { path: '/mk/sub' }],
        ['get', 'evil.txt'],
        ['stat', 'evil.txt'],
        ['call', 'read', { path: '/evildir/new.txt' }],
      ],
      { world: name },
    );
    expect(results.slice(0, 6).every((r) => r.ok !== undefined)).toBe(true);
    untouched(file);
    untouched(dir);
    untouched(mk);
    // The world won: the links were replaced by the world's own entries, owned by the agent.
    expect(results[6]?.ok).toBe('pwned');
    expect(results[7]?.ok).toMatchObject({ uid: 65534, mode: 0o644 });
    expect(results[8]?.ok?.content).toBe('pwned');
  });

  it('an fs.write event does not write through a link planted where it lands', async () => {
    const name = await world();
    const v = victim();
    const id = await startHostile(c, [['symlink', v.file, 'ev.txt'], ['symlink', v.dir, 'evdir'], ['print', 'planted'], ['sleep', 1.5], ['get', 'ev.txt'], ['get', 'evdir/x.txt']], { world: name });
    await waitForLine(c, id, 'planted', 30_000);
    await c.worldEvent(name, 'fs.write', { path: '/ev.txt', content: 'from the event' });
    await c.worldEvent(name, 'fs.write', { path: '/evdir/x.txt', content: 'from the event' });
    const results = await resultsOf(c, id, 6);
    untouched(v);
    expect(results[4]?.ok).toBe('from the event');
    expect(results[5]?.ok).toBe('from the event');
  });

  it('a sync racing a file against a symlink to a root-only file never takes the secret in', async () => {
    const name = await world();
    const secret = rootSecret(victims, `secret-${Math.random()}`);
    const content = readFileSync(secret.file, 'utf8');
    const race = await hostile(c, [['put', 'r.txt', 'decoy'], ['race', { path: 'r.txt', target: secret.file, method: 'read', kwargs: { path: '/r.txt' }, n: 300 }]], { world: name });
    const seen = race[1]?.ok as { contents: string[]; errors: Record<string, number>; swaps: number };
    expect(seen.swaps).toBeGreaterThan(0);
    expect(seen.contents).not.toContain(content);
    expect(seen.contents).toContain('decoy');
    const state = await c.worldState(name, { timeline: true, diff: true });
    expect(JSON.stringify(state)).not.toContain(content);
  }, 120_000);

  it('swapping a directory for a link to a host directory while the kernel writes and makes directories in it reaches nothing', async () => {
    const name = await world();
    const v = victim();
    const results = await hostile(
      c,
      [
        ['race', { path: 'd', target: v.dir, dir: true, method: 'write', kwargs: { path: '/d/x.txt', content: 'pwned' }, n: 100 }],
        ['race', { path: 'm', target: v.dir, dir: true, method: 'mkdir', kwargs: { path: '/m/sub/deeper' }, n: 100 }],
      ],
      { world: name },
    );
    expect((results[0]?.ok as { swaps: number }).swaps).toBeGreaterThan(0);
    untouched(v);
  }, 120_000);

  it('sync leaves links, FIFOs and sockets out and says so on the timeline, without blocking', async () => {
    const name = await world();
    const secret = rootSecret(victims, 'root only');
    const results = await hostile(
      c,
      [
        ['symlink', secret.file, 'link.txt'],
        ['mkfifo', 'pipe'],
        ['call', 'read', { path: '/link.txt' }],
        ['call', 'read', { path: '/pipe' }],
        ['call', 'listdir', { path: '/' }],
      ],
      { world: name },
    );
    expect(results[2]).toMatchObject({ error: 'FS_NOT_FOUND' });
    expect(results[3]).toMatchObject({ error: 'FS_NOT_FOUND' });
    expect((results[4]?.ok as Array<{ name: string }>).map((e) => e.name)).toEqual(['README.md']);
    const state = await c.worldState(name, { timeline: true });
    const refused = (state.timeline ?? []).filter((e) => e.type === 'fs.refused').map((e) => e.params);
    expect(refused).toEqual(
      expect.arrayContaining([
        { path: '/link.txt', reason: 'symlink (not followed)' },
        { path: '/pipe', reason: 'not a regular file or directory' },
      ]),
    );
  });

  it('keeps serving other clients after all of this', async () => {
    expect((await c.status()).agents.running).toBeGreaterThanOrEqual(0);
  });
});

describe('world sync of a hard link (no kernel, no root needed)', () => {
  it('leaves a file with several names out of the world', async () => {
    const base = mkdtempSync(join(tmpdir(), 'clove-hardlink-'));
    try {
      const world = createWorld({ version: 1, name: 'hl' });
      const dir = join(base, 'tree');
      await world.fs.materialise(dir);
      const outside = join(base, 'outside.txt');
      writeFileSync(outside, 'not part of the world');
      linkSync(outside, join(dir, 'in.txt'));
      writeFileSync(join(dir, 'plain.txt'), 'mine');
      const result = await world.fs.syncFrom(dir);
      expect(result.added).toEqual(['/plain.txt']);
      expect(result.skipped).toEqual([{ path: '/in.txt', reason: 'hard link (a file with other names is not taken in)' }]);
      expect(world.fs.exists('/in.txt')).toBe(false);
      world.close();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('materialise replaces a planted symlink instead of writing through it', async () => {
    const base = mkdtempSync(join(tmpdir(), 'clove-mat-'));
    try {
      const world = createWorld({ version: 1, name: 'mat', filesystem: { files: [{ path: '/a/b.txt', content: 'world' }] } });
      const dir = join(base, 'tree');
      await world.fs.materialise(dir);
      const outside = join(base, 'outside');
      writeFileSync(outside, 'host');
      rmSync(join(dir, 'a'), { recursive: true });
      const { symlinkSync } = await import('node:fs');
      symlinkSync(base, join(dir, 'a'));
      await world.fs.materialise(dir);
      expect(readFileSync(join(dir, 'a', 'b.txt'), 'utf8')).toBe('world');
      expect(existsSync(join(base, 'b.txt'))).toBe(false);
      expect(readFileSync(outside, 'utf8')).toBe('host');
      world.close();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
