import type { ScriptedAgent } from '../../gym/tools.js';

/** Waits until 00:55 by the world clock, finds files that do not parse, rebuilds them from backup + WAL. */
const reference: ScriptedAgent = async (tools) => {
  const now = await tools.now();
  const day = Math.floor(now / 86_400_000) * 86_400_000;
  await tools.sleep(Math.max(0, day + 55 * 60_000 - now));
  const names = (await tools.listDir('/data')).filter((e) => e.name.endsWith('.json')).map((e) => e.name.replace(/\.json$/, ''));
  const repaired: string[] = [];
  for (const name of names.sort()) {
    try {
      JSON.parse(await tools.readFile(`/data/${name}.json`));
      continue;
    } catch {
      // not JSON: rebuild below
    }
    const state = JSON.parse(await tools.readFile(`/backup/${name}.json.bak`)) as Record<string, unknown>;
    for (const line of (await tools.readFile(`/data/${name}.wal`)).split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { op: 'set' | 'delete'; key: string; value?: unknown };
      if (entry.op === 'set') state[entry.key] = entry.value;
      else delete state[entry.key];
    }
    await tools.writeFile(`/data/${name}.json`, JSON.stringify(state, null, 2));
    repaired.push(name);
  }
  await tools.writeFile('/data/REPAIRED', `${repaired.join('\n')}\n`);
  await tools.submit(repaired);
};

export default reference;
