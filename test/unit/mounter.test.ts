import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mounter } from '../../kernel/worlds/mounter.js';
import { MOUNT_SOURCE, mountsUnder, mountTree, resizeTree, unmountTreeAsync } from '../../kernel/worlds/tree-storage.js';

// World trees are mounted, resized and detached by one long-lived helper process (no mount(8)
// fork per world). This drives it as the world host does, and checks the mounts it makes.

const NOT_ROOT = process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : null;
const TMPFS_MAGIC = 0x01021994;
const mountLine = (point: string): string => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === point) ?? '';
const dir = mkdtempSync(join(tmpdir(), 'clove-mounter-'));
afterAll(async () => {
  await unmountTreeAsync(dir);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(NOT_ROOT)(`the world mount helper ${NOT_ROOT ? `(skipped: ${NOT_ROOT})` : ''}`, () => {
  it('mounts a sized nosuid,nodev tmpfs named for cleanup, resizes it, refuses a shrink below its content, and detaches it', async () => {
    expect(await mounter(MOUNT_SOURCE)).not.toBeNull();
    const point = join(dir, 'a');
    mkdirSync(point);
    await mountTree(point, { sizeBytes: 1024 * 1024, inodes: 64 });
    const fs1 = statfsSync(point);
    expect(fs1.type).toBe(TMPFS_MAGIC);
    expect(fs1.blocks * fs1.bsize).toBe(1024 * 1024);
    const line = mountLine(point);
    expect(line.split(' ')[5]).toMatch(/\bnosuid\b/);
    expect(line.split(' ')[5]).toMatch(/\bnodev\b/);
    expect(line).toContain(` - tmpfs ${MOUNT_SOURCE} `);
    expect(line).toMatch(/mode=711/);

    await resizeTree(point, { sizeBytes: 2 * 1024 * 1024, inodes: 64 });
    expect(statfsSync(point).blocks * statfsSync(point).bsize).toBe(2 * 1024 * 1024);
    // Still nosuid,nodev after the remount.
    const again = mountLine(point);
    expect(again.split(' ')[5]).toMatch(/\bnosuid\b/);
    expect(again.split(' ')[5]).toMatch(/\bnodev\b/);

    writeFileSync(join(point, 'big'), Buffer.alloc(1536 * 1024, 1));
    await expect(resizeTree(point, { sizeBytes: 1024 * 1024, inodes: 64 })).rejects.toThrow(/Invalid argument/);

    expect(await unmountTreeAsync(point)).toEqual([]);
    expect(mountsUnder(point)).toEqual([]);
  });

  it('answers a failed request with the reason and goes on serving', async () => {
    await expect(mountTree(join(dir, 'missing', 'x'), { sizeBytes: 1024 * 1024, inodes: 64 })).rejects.toThrow(/No such file or directory/);
    const helper = (await mounter(MOUNT_SOURCE))!;
    await expect(helper.request(['mount', join(dir, 'x'.repeat(20_000)), 'size=1m'])).rejects.toThrow(/request longer than/);
    await expect(helper.request(['chmod', dir])).rejects.toThrow(/unknown request/);
    const point = join(dir, 'b');
    mkdirSync(point);
    await mountTree(point, { sizeBytes: 1024 * 1024, inodes: 64 });
    expect(mountsUnder(point)).toEqual([point]);
    await unmountTreeAsync(point);
    expect(mountsUnder(point)).toEqual([]);
  });
});
