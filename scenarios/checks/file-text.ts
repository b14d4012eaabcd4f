import type { World } from '../../worlds/index.js';

/** Reads a world file as UTF-8, or says why it cannot. */
export function readWorldText(world: World, path: string): { text: string } | { error: string } {
  if (!world.fs.exists(path)) return { error: `${path} does not exist in the final world` };
  if (world.fs.stat(path).type !== 'file') return { error: `${path} is a directory, not a file` };
  return { text: world.fs.readFile(path).toString('utf8') };
}

/** Reads and parses a world JSON file, or says why it cannot. */
export function readWorldJson(world: World, path: string): { value: unknown } | { error: string } {
  const read = readWorldText(world, path);
  if ('error' in read) return read;
  try {
    return { value: JSON.parse(read.text) as unknown };
  } catch (error) {
    return { error: `${path} is not valid JSON (${(error as Error).message})` };
  }
}
