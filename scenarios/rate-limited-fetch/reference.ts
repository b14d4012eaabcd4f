import type { ScriptedAgent } from '../../gym/tools.js';

/** Fetches each id; after a 429 sleeps the Retry-After it was given, then asks again. */
const reference: ScriptedAgent = async (tools) => {
  const ids = (await tools.readFile('/input/ids.txt')).split('\n').filter((l) => l.trim() !== '');
  const prices: Record<string, number> = {};
  for (const id of ids) {
    for (;;) {
      const res = await tools.http(`https://catalog.example.com/v2/items/${id}`);
      if (res.status === 429) {
        const seconds = Number(res.headers['retry-after'] ?? (JSON.parse(res.body) as { retry_after: number }).retry_after);
        await tools.sleep(seconds * 1000);
        continue;
      }
      prices[id] = (JSON.parse(res.body) as { price_cents: number }).price_cents;
      break;
    }
  }
  await tools.writeFile('/out/prices.json', JSON.stringify(prices, null, 2));
  await tools.submit(Object.values(prices).reduce((s, p) => s + p, 0));
};

export default reference;
