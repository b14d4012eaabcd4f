import type { GeneratorContext } from '../generator.js';

const STATUSES = ['paid', 'paid', 'paid', 'refunded', 'pending', 'cancelled'];

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const pages = rng.int(4, 8);
  const perPage = rng.int(5, 9);
  const base = `https://orders.example.com/v1/${rng.word(2)}/orders`;
  const orders = Array.from({ length: pages * perPage }, (_, i) => ({
    id: `ord_${(1000 + i * rng.int(1, 3)).toString(36)}${rng.hex(4)}`,
    status: rng.pick(STATUSES),
    amount_cents: rng.int(199, 99_999),
  }));
  const routes = Array.from({ length: pages }, (_, p) => {
    const items = orders.slice(p * perPage, (p + 1) * perPage);
    // Overlap: each page after the first repeats the previous page's last order.
    const shown = p === 0 ? items : [orders[p * perPage - 1]!, ...items];
    return {
      name: `page-${p + 1}`,
      url: `${base}/page/${p + 1}`,
      json: { page: p + 1, items: shown, next: p + 1 < pages ? `${base}/page/${p + 2}` : null },
      error_rate: 0.33,
      error_status: 503,
      latency_ms: { min: 20, max: 200 },
    };
  });
  const paid = orders.filter((o) => o.status === 'paid');
  return {
    first_page: `${base}/page/1`,
    routes,
    pages,
    paid_orders: paid.length,
    total_cents: paid.reduce((s, o) => s + o.amount_cents, 0),
  };
}
