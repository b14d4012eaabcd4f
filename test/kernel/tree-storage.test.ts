import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mountsUnder, mountTree, mountUnavailable, PAGE, treeSize, unmountTree } from '../../kernel/worlds/tree-storage.js';

// The storage under a world's tree: how big its tmpfs is, and finding and detaching its mounts.

const MiB = 1024 * 1024;

describe('tree size', () => {
  it("is the bytes limit, a page per file of the files limit, the lower layers' pages and 1 MiB", () => {
    expect(treeSize({ limits: { bytes: 4 * MiB, files: 50 }, footprint: { lowerEntries: 3, lowerBlocks: 2 * PAGE } })).toEqual({
      sizeBytes: 4 * MiB + 50 * PAGE + 2 * PAGE + MiB,
      inodes: 3 + 50 + 1024,
    });
    // Rounded up to whole pages.
    expect(treeSize({ limits: { bytes: 1, files: 0 }, footprint: { lowerEntries: 0, lowerBlocks: 0 } })?.sizeBytes).toBe(MiB + PAGE);
  });

  it('is null when a limit is unbounded (nothing to size a tmpfs by)', () => {
    expect(treeSize({ limits: { bytes: Number.POSITIVE_INFINITY, files: 10 }, footprint: { lowerEntries: 0, lowerBlocks: 0 } })).toBeNull();
    expect(treeSize({ limits: { bytes: MiB, files: Number.POSITIVE_INFINITY }, footprint: { lowerEntries: 0, lowerBlocks: 0 } })).toBeNull();
  });
});

const unavailable = mountUnavailable();
describe.skipIf(unavailable)(`tree mounts ${unavailable ? `(skipped: ${unavailable})` : ''}`, () => {
  it('finds mounts at and below a path (escaped names too, not a sibling with the same prefix) and detaches them, deepest first', async () => {
    const base = mkdtempSync(join(tmpdir(), 'clove-tree storage-'));
    const sibling = `${base}x`;
    mkdirSync(sibling);
    try {
      await mountTree(base, { sizeBytes: MiB, inodes: 64 });
      mkdirSync(join(base, 'inner dir'));
      await mountTree(join(base, 'inner dir'), { sizeBytes: MiB, inodes: 64 });
      await mountTree(sibling, { sizeBytes: MiB, inodes: 64 });
      expect(mountsUnder(base)).toEqual([join(base, 'inner dir'), base]);
      expect(unmountTree(base)).toEqual([]);
      expect(mountsUnder(base)).toEqual([]);
      expect(mountsUnder(sibling)).toEqual([sibling]);
    } finally {
      unmountTree(base);
      unmountTree(sibling);
      rmSync(base, { recursive: true, force: true });
      rmSync(sibling, { recursive: true, force: true });
    }
    expect(existsSync(base)).toBe(false);
  });
});
