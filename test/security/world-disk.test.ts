import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type CloveClient, type WorldInfo } from '../../sdk/index.js';
import { mountsUnder } from '../../kernel/worlds/tree-storage.js';
import { fixture, testKernel, useTestKernel } from '../helpers/kernel.js';
import { startKernelDaemon } from '../helpers/daemon.js';
import { sleep } from '../helpers/wait.js';
import { hostile, NOT_ROOT } from './helpers.js';

// A world's materialised tree is where agents write with plain file I/O. As root it sits on a
// tmpfs sized by the world's filesystem limits: a disk fill from a sandboxed agent stops with
// ENOSPC inside the world, not on the host's disk; rewinding the world still works; the mount goes
// with the world, with the kernel, and with the next kernel after a kill -9.

const MiB = 1024 * 1024;
const TMPFS_MAGIC = 0x01021994;
const WORLD = (name: string) =>
  `name: ${name}\nlimits:\n  bytes: 4M\n  files: 50\nfilesystem:\n  files:\n    - path: /project/README.md\n      content: hello\n`;

const hostFree = () => {
  const s = statfsSync(tmpdir());
  return s.bavail * s.bsize;
};
const info = async (c: CloveClient, name: string): Promise<WorldInfo> => (await c.worldList()).find((w) => w.name === name) as WorldInfo;
const treeBase = (w: WorldInfo) => dirname(w.directory as string);

describe.skipIf(NOT_ROOT)(`a world tree on size-limited storage ${NOT_ROOT ? `(skipped: ${NOT_ROOT})` : ''}`, () => {
  let c: CloveClient;
  const k = useTestKernel();
  beforeAll(async () => {
    c = await k.client();
  });

  it('stops a sandboxed disk fill with ENOSPC inside the world; the kernel serves, the host disk does not take it, rewind works', async () => {
    await c.worldCreate({ source: WORLD('fill') });
    const snap = await c.worldSnapshot('fill', join(k.dir, 'fill.snap'));
    const freeBefore = hostFree();
    // A 64 MiB sandbox trying to write 256 MiB of real blocks into its world's tree.
    const [filled, listed] = await hostile(c, [['fill', 'big.bin', 256 * MiB], ['call', 'echo', { message: 'after the fill' }]], { world: 'fill', limits: { memory: '64M' } });
    expect(filled?.ok, JSON.stringify(filled)).toMatchObject({ errno: 'ENOSPC' });
    const written = filled!.ok.written as number;
    expect(written).toBeLessThan(8 * MiB);
    expect(listed?.ok).toBe('after the fill');
    expect(await c.echo('still serving')).toBe('still serving');
    // Other processes share this disk: the bound is loose, the attempt was 256 MiB.
    expect(freeBefore - hostFree()).toBeLessThan(64 * MiB);

    const w = await info(c, 'fill');
    expect(w.treeStorage).toMatchObject({ kind: 'tmpfs' });
    const size = (w.treeStorage as { sizeBytes: number }).sizeBytes;
    // 4 MiB of bytes limit + one page per file of the files limit + 1 MiB + the lower layer's page.
    expect(size).toBe(4 * MiB + 50 * 4096 + MiB + 4096);
    expect(statfsSync(w.directory as string).type).toBe(TMPFS_MAGIC);
    // The file over the world's limits was refused by the sync; the world itself is intact.
    expect((await c.worldState('fill', { diff: true })).diff?.added ?? []).not.toContain('/big.bin');

    // A write through the kernel into the full tree: the world keeps the whole file, a partial copy
    // in the tree never flows back into it, and the timeline says the tree lacks it.
    const content = 'k'.repeat(200_000);
    await c.write('/project/kernel.txt', content, { world: 'fill' });
    expect((await c.read('/project/kernel.txt', { world: 'fill' })).content).toBe(content);
    const state = await c.worldState('fill', { diff: true, timeline: true });
    expect((await c.read('/project/kernel.txt', { world: 'fill' })).content).toBe(content);
    expect(state.timeline?.some((e) => e.type === 'fs.refused' && e.params.path === '/project/kernel.txt' && /ENOSPC/.test(String(e.params.reason)))).toBe(true);

    // Rewinding a full tree: the old entries stay aside on the same mount while the snapshot's are written.
    const restored = await c.worldRestore({ path: String(snap.path) }, { name: 'fill', inPlace: true });
    expect(restored.directory).toBe(w.directory);
    expect(readdirSync(w.directory as string).sort()).toEqual(['project']);
    expect(restored.treeStorage).toEqual({ kind: 'tmpfs', sizeBytes: size, inodes: (w.treeStorage as { inodes: number }).inodes });
    expect(readdirSync(treeBase(w))).toEqual(['tree']);
    // Shrunk back: a second fill stops where the first did.
    const [again] = await hostile(c, [['fill', 'again.bin', 256 * MiB]], { world: 'fill', limits: { memory: '64M' } });
    expect(again?.ok).toMatchObject({ errno: 'ENOSPC' });
    expect(Math.abs((again!.ok.written as number) - written)).toBeLessThanOrEqual(MiB);

    await c.worldDestroy('fill');
    expect(mountsUnder(treeBase(w))).toEqual([]);
    expect(existsSync(treeBase(w))).toBe(false);
  });

  it('unmounts and removes world trees when the kernel stops', async () => {
    const other = await testKernel();
    const oc = await other.client();
    await oc.worldCreate({ source: WORLD('stopping') });
    const agent = await oc.spawn({ script: fixture('agents', 'sleeper-quiet.js'), world: 'stopping', sandboxed: true });
    const w = await info(oc, 'stopping');
    expect(agent.id).toBeGreaterThan(0);
    expect(mountsUnder(treeBase(w))).toEqual([treeBase(w)]);
    await other.stop();
    expect(mountsUnder(treeBase(w))).toEqual([]);
    expect(existsSync(treeBase(w))).toBe(false);
  });
});

describe.skipIf(NOT_ROOT)(`world trees of a kernel killed with SIGKILL ${NOT_ROOT ? `(skipped: ${NOT_ROOT})` : ''}`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clove-disk-k9-'));
    mkdirSync(join(dir, 'state'), { mode: 0o700 });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('are unmounted and removed by the next kernel', async () => {
    const socketPath = join(dir, 'state', 'kernel.sock');
    const { child: first } = await startKernelDaemon(socketPath);
    const c = await connect({ socketPath });
    await c.worldCreate({ source: WORLD('k9') });
    await c.spawn({ script: fixture('agents', 'sleeper-quiet.js'), world: 'k9' });
    const base = treeBase(await info(c, 'k9'));
    c.close();
    expect(mountsUnder(base)).toEqual([base]);

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await sleep(100);
    // Nothing unmounts a dead kernel's tree but the next kernel.
    expect(mountsUnder(base)).toEqual([base]);

    const { child: second } = await startKernelDaemon(socketPath);
    expect(mountsUnder(base)).toEqual([]);
    expect(existsSync(base)).toBe(false);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  });
});
