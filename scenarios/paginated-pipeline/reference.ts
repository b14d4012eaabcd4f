import type { ScriptedAgent } from '../../gym/tools.js';

interface Page {
  items: Array<{ id: string; status: string; amount_cents: number }>;
  next: string | null;
}

/** Follows `next` links, retrying 5xx answers after a second; de-duplicates by id. */
const reference: ScriptedAgent = async (tools, task) => {
  let url: string | null = /Start at (\S+?);/.exec(task.text)?.[1] ?? null;
  const orders = new Map<string, Page['items'][number]>();
  while (url !== null) {
    const res = await tools.http(url);
    if (res.status >= 500) {
      await tools.sleep(1_000);
      continue;
    }
    const page = JSON.parse(res.body) as Page;
    for (const item of page.items) orders.set(item.id, item);
    url = page.next;
  }
  const paid = [...orders.values()].filter((o) => o.status === 'paid');
  const total = paid.reduce((s, o) => s + o.amount_cents, 0);
  await tools.writeFile('/out/summary.json', JSON.stringify({ paid_orders: paid.length, total_cents: total }));
  await tools.submit(total);
};

export default reference;
