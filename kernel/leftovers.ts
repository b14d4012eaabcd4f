import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './process-liveness.js';
import { unmountTree } from './worlds/tree-storage.js';

/** Directories a kernel makes in the temporary directory: `clove-<kind>-<kernel pid>-...`. */
const OWNED = /^clove-(?:agents|world)-(\d+)-/;

/**
 * Removes what kernels that died (kill -9) left in the temporary directory: world trees and
 * agents' socket directories named with their kernel's pid, when that pid no longer runs and the
 * directory belongs to this user (any owner when root: trees are chowned to the agents' uid). Returns the paths removed.
 */
export function removeLeftoverDirs(dir = tmpdir()): string[] {
  const removed: string[] = [];
  const uid = process.getuid?.();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const owner = OWNED.exec(name)?.[1];
    if (!owner || Number(owner) === process.pid || processAlive(Number(owner))) continue;
    const path = join(dir, name);
    try {
      const stat = lstatSync(path);
      // Root's world trees belong to the agents' uid (chowned for them); other kernels' trees are their users'.
      if (!stat.isDirectory() || (uid !== undefined && uid !== 0 && stat.uid !== uid)) continue;
      // A world tree's tmpfs (root kernels) is detached first: rm cannot remove a mount point.
      unmountTree(path);
      // rm does not follow symbolic links inside the tree: an agent's links are removed, not their targets.
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
  return removed;
}
