/**
 * World engine micro-benchmarks: create, snapshot, restore and fork for 10 / 1,000 / 10,000 files,
 * and how many simulated seconds the discrete clock covers per wall second.
 * Run with `npm run bench:worlds`. Prints a table of medians.
 */
import { Bench } from 'tinybench';
import { createWorld, World, type WorldDefinition } from '../../worlds/index.js';

interface Row {
  case: string;
  'median ms': string;
  'p99 ms': string;
  samples: number;
  note: string;
}

const rows: Row[] = [];

function definition(files: number, bytesPerFile: number): WorldDefinition {
  const filler = 'x'.repeat(bytesPerFile - 8);
  return {
    name: `bench-${files}`,
    seed: 1,
    filesystem: {
      files: Array.from({ length: files }, (_, i) => ({ path: `/project/dir${i % 50}/file${i}.txt`, content: `${String(i).padStart(7, '0')}\n${filler}` })),
    },
    network: { routes: [{ url: 'https://api.example.com/items', collection: { items: [{ id: 1 }] } }] },
    events: [{ type: 'custom', every: '1m' }],
  };
}

async function measure(name: string, fn: () => unknown, note = ''): Promise<void> {
  const bench = new Bench({ time: 500, iterations: 10, warmupTime: 100 });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result === undefined || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    rows.push({ case: name, 'median ms': 'error', 'p99 ms': '', samples: 0, note: result?.state === 'errored' ? result.error.message : String(result?.state) });
    return;
  }
  rows.push({ case: name, 'median ms': result.latency.p50.toFixed(3), 'p99 ms': result.latency.p99.toFixed(3), samples: result.latency.samplesCount, note });
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MB`;

for (const [files, bytes] of [[10, 10_240], [1_000, 10_240], [10_000, 1_024]] as const) {
  const def = definition(files, bytes);
  await measure(`create ${files} files`, () => createWorld(def).close(), `${files} x ${bytes} B inline`);
  const world = createWorld(def);
  // A realistic episode: an agent changed a tenth of the files and the kv.
  for (let i = 0; i < files; i += 10) world.fs.writeFile(`/project/dir${i % 50}/file${i}.txt`, `changed ${i}`);
  world.kv.set('progress', { done: files / 10 });
  const snapshot = world.snapshot();
  await measure(`snapshot ${files} files`, () => world.snapshot(), `state ${mb(snapshot.length)}`);
  await measure(`restore ${files} files`, () => World.restore(snapshot, { name: 'r' }).close(), `state ${mb(snapshot.length)}`);
  await measure(`fork ${files} files`, () => world.fork('f').close(), 'in memory, no encoding');
  if (files === 1_000) {
    // Every file written by agents (upper layer), then snapshotted: restore must still be cheap.
    const written = createWorld({ name: 'written', seed: 1 });
    for (let i = 0; i < files; i++) written.fs.writeFile(`/work/dir${i % 50}/file${i}.bin`, Buffer.alloc(bytes, i % 251), { parents: true });
    const bytesAll = written.snapshot();
    await measure(`restore ${files} agent-written files`, () => World.restore(bytesAll, { name: 'r' }).close(), `state ${mb(bytesAll.length)}`);
    written.close();
  }
  world.close();
}

// Discrete clock: 10,000 timers spread over 24 simulated hours, run to idle.
const DAY_MS = 86_400_000;
{
  const world = createWorld({ name: 'clock', seed: 1 });
  for (let i = 0; i < 10_000; i++) world.schedule('custom', { i }, { in: Math.floor((i * DAY_MS) / 10_000) + 1 });
  const t0 = performance.now();
  await world.clock.runUntilIdle();
  const wall = performance.now() - t0;
  rows.push({ case: 'discrete clock: 24 h, 10,000 events', 'median ms': wall.toFixed(1), 'p99 ms': '', samples: 1, note: `${Math.round(86_400 / (wall / 1000)).toLocaleString('en')} sim s / wall s; ${world.timeline.length} fired` });
  world.close();
}
{
  // An agent that sleeps 10,000 times (8.64 s each): the clock jumps whenever it blocks.
  const world = createWorld({ name: 'clock-agent', seed: 1 });
  world.agentJoined('a');
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) await world.sleep(DAY_MS / 10_000, { agent: 'a' });
  const wall = performance.now() - t0;
  rows.push({ case: 'discrete clock: agent sleeps 24 h in 10,000 steps', 'median ms': wall.toFixed(1), 'p99 ms': '', samples: 1, note: `${Math.round(86_400 / (wall / 1000)).toLocaleString('en')} sim s / wall s; elapsed ${world.clock.elapsed() / 3_600_000} h` });
  world.close();
}

console.table(rows);
