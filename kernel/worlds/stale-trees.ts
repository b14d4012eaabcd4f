import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../process-liveness.js';
import { unmountTree } from './tree-storage.js';

/** A world's tree directory: `clove-world-<kernel pid>-<world name>-XXXXXX` in the temp directory (the tree is its `tree`). */
export function worldTreePrefix(world: string): string {
  return `clove-world-${process.pid}-${world.replace(/[^\w.-]/g, '_')}-`;
}

const TREE = /^clove-world-(\d+)-/;

/**
 * Removes the world trees of kernels that died without cleaning up (`kill -9`): worlds live in
 * memory, so nothing can use those trees again. Trees of running kernels are left alone. Returns
 * how many were removed.
 */
export async function removeDeadKernelTrees(dir = tmpdir()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(TREE.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    // Its tmpfs first (root kernels): rm cannot remove a mount point.
    unmountTree(join(dir, name));
    await rm(join(dir, name), { recursive: true, force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}
