import { createWorld, World, type WorldDefinition } from '../../../worlds/index.js';
import type { MicroSuite } from '../suite.js';

function definition(files: number): WorldDefinition {
  return {
    name: `micro-${files}`,
    seed: 1,
    filesystem: { files: Array.from({ length: files }, (_, i) => ({ path: `/project/dir${i % 10}/file${i}.txt`, content: `line ${i}\n`.repeat(20) })) },
    network: { routes: [{ url: 'https://api.example.com/items', collection: { items: [{ id: 1 }, { id: 2 }] } }] },
  };
}

/** The world engine: create, file I/O, mock HTTP, snapshot, restore. */
export const worldSuite: MicroSuite = {
  group: 'world',
  async setup() {
    const small = definition(10);
    const world = createWorld(definition(100));
    const snapshot = world.snapshot();
    let n = 0;
    return {
      tasks: [
        { name: 'create 10 files', fn: () => createWorld(small).close() },
        { name: 'write + read a file', fn: () => {
          world.fs.writeFile('/project/scratch.txt', `n=${n++}`);
          return world.fs.readFile('/project/scratch.txt');
        } },
        { name: 'mock HTTP GET', fn: () => world.fetch(new Request('https://api.example.com/items')) },
        { name: 'snapshot 100 files', fn: () => world.snapshot() },
        { name: 'restore 100 files', fn: () => World.restore(snapshot, { name: 'r' }).close() },
      ],
      async teardown() {
        world.close();
      },
    };
  },
};
