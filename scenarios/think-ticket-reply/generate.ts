import type { GeneratorContext } from '../generator.js';

const PROBLEMS = ['arrived damaged', 'never arrived', 'was charged twice', 'is the wrong size', 'stopped working after a week'];
const ITEMS = ['kettle', 'backpack', 'desk lamp', 'headphones', 'rain jacket', 'coffee grinder'];

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const ids = Array.from({ length: rng.int(3, 6) }, () => `T-${rng.int(10000, 99999)}`);
  const open = rng.pick(ids);
  let subject = '';
  let order = '';
  const files = ids.map((id) => {
    const s = `My ${rng.pick(ITEMS)} ${rng.pick(PROBLEMS)}`;
    const o = `#${rng.int(100000, 999999)}`;
    if (id === open) [subject, order] = [s, o];
    const body = [`Status: ${id === open ? 'open' : 'closed'}`, `Subject: ${s}`, `Order: ${o}`, `From: ${rng.word(2)}@example.org`, '', `Hello, ${s.toLowerCase()}. Please help.`, ''];
    return { path: `/support/inbox/${id}.txt`, content: body.join('\n') };
  });
  return { files, ticket: open, subject, order };
}
