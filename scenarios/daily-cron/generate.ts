import type { GeneratorContext } from '../generator.js';

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const readings = Array.from({ length: 24 }, () => rng.int(100, 999) / 10);
  const events = readings.map((reading, i) => ({
    name: `reading-${i + 1}`,
    type: 'fs.write',
    at: `${i + 1}h`,
    params: { path: '/var/metrics/current.json', content: JSON.stringify({ hour: i + 1, reading }) },
  }));
  const total = Math.round(readings.reduce((s, r) => s + r, 0) * 10) / 10;
  const lines = [...readings.map((r, i) => `${i + 1},${r}\n`), `total,${total}`];
  return { events, lines, total };
}
