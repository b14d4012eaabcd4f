import type { ScriptedAgent } from '../../gym/tools.js';

const HOUR = 3_600_000;

/** Sleeps to 30 s past each hour by the world clock, reads the reading, rewrites the rollup. */
const reference: ScriptedAgent = async (tools) => {
  const start = await tools.now();
  const lines: string[] = [];
  let sum = 0;
  for (let hour = 1; hour <= 24; hour++) {
    const wake = start + hour * HOUR + 30_000;
    await tools.sleep(Math.max(0, wake - (await tools.now())));
    const { reading } = JSON.parse(await tools.readFile('/var/metrics/current.json')) as { reading: number };
    sum += reading;
    lines.push(`${hour},${reading}`);
    await tools.writeFile('/var/log/rollup.csv', `${lines.join('\n')}\n`);
  }
  const total = Math.round(sum * 10) / 10;
  lines.push(`total,${total}`);
  await tools.writeFile('/var/log/rollup.csv', `${lines.join('\n')}\n`);
  await tools.submit(total);
};

export default reference;
