import type { GeneratorContext } from '../generator.js';

const NAMES = ['accounts', 'orders', 'inventory', 'users', 'invoices', 'shipments'];

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const names = rng.sample(NAMES, 4);
  const broken = rng.pick(names);
  const files: Array<{ path: string; content: string }> = [];
  let expected: Record<string, unknown> = {};
  for (const name of names) {
    const backup: Record<string, unknown> = {};
    for (let i = 0; i < rng.int(4, 8); i++) backup[`${name.slice(0, 3)}_${rng.hex(4)}`] = { qty: rng.int(0, 500), owner: rng.word(2) };
    const keys = Object.keys(backup);
    const current: Record<string, unknown> = { ...backup };
    const wal: string[] = [];
    for (let i = 0; i < rng.int(3, 7); i++) {
      if (rng.chance(0.25) && keys.length > 0) {
        const key = rng.pick(keys);
        delete current[key];
        wal.push(JSON.stringify({ op: 'delete', key }));
      } else {
        const key = rng.chance(0.5) && keys.length > 0 ? rng.pick(keys) : `${name.slice(0, 3)}_${rng.hex(4)}`;
        const value = { qty: rng.int(0, 500), owner: rng.word(2) };
        current[key] = value;
        wal.push(JSON.stringify({ op: 'set', key, value }));
      }
    }
    if (name === broken) expected = current;
    files.push(
      { path: `/backup/${name}.json.bak`, content: JSON.stringify(backup, null, 2) },
      { path: `/data/${name}.wal`, content: `${wal.join('\n')}\n` },
      { path: `/data/${name}.json`, content: JSON.stringify(current, null, 2) },
    );
  }
  return { files, broken, expected, corrupt_at: `${rng.int(5, 50)}m` };
}
