import type { GeneratorContext } from '../generator.js';

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const count = rng.int(5, 9);
  const ids = Array.from({ length: count }, () => `sku-${rng.hex(6)}`);
  const prices: Record<string, number> = {};
  const routes = ids.map((id) => {
    const price = rng.int(99, 25_000);
    prices[id] = price;
    const limited = (seconds: number): Record<string, unknown> => ({
      status: 429,
      headers: { 'Retry-After': String(seconds) },
      json: { error: 'rate_limited', retry_after: seconds },
    });
    const sequence = [limited(rng.int(2, 45)), ...(rng.chance(0.4) ? [limited(rng.int(2, 30))] : []), { json: { id, name: `${rng.word(2)} ${rng.word(3)}`, price_cents: price } }];
    return { url: `https://catalog.example.com/v2/items/${id}`, sequence, sequence_end: 'repeat-last', latency_ms: { min: 20, max: 120 } };
  });
  return {
    ids_text: `${ids.join('\n')}\n`,
    routes,
    prices,
    count,
    sum: Object.values(prices).reduce((s, p) => s + p, 0),
  };
}
