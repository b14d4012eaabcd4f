import type { GeneratorContext } from '../generator.js';

const SERVICES = ['gateway', 'auth', 'billing', 'search', 'cart', 'checkout', 'inventory', 'mailer', 'profile', 'ledger', 'pricing', 'shipping'];
const INFO = ['handled request', 'cache hit', 'cache miss', 'upstream ok', 'retrying once', 'slow query 412ms'];
const ERRORS = ['upstream timeout', 'connection reset', 'invalid token', 'db deadlock', 'payload too large'];

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const start = Date.parse('2026-04-02T09:00:00Z');
  const requestId = (): string => rng.hex(10);
  const culprit = requestId();
  const errors = rng.int(5, 9);
  // Noise: other requests fail at most 3 times, so the culprit is the unique maximum.
  const noisy = Array.from({ length: 8 }, () => ({ id: requestId(), left: rng.int(1, 3) }));
  const chain = rng.sample(SERVICES, Math.min(errors, rng.int(3, 6)));
  const lines = new Map<string, Array<{ t: number; text: string }>>();
  const add = (service: string, t: number, level: string, req: string, msg: string): void => {
    const key = `${service}.log${rng.pick(['', '', '.1', '.2'])}`;
    const list = lines.get(key) ?? [];
    list.push({ t, text: `${new Date(t).toISOString()} ${level.padEnd(5)} [${service}] req=${req} ${msg}` });
    lines.set(key, list);
  };
  for (let i = 0; i < 900; i++) add(rng.pick(SERVICES), start + rng.int(0, 3_600_000), 'INFO', requestId(), rng.pick(INFO));
  for (const n of noisy) for (let i = 0; i < n.left; i++) add(rng.pick(SERVICES), start + rng.int(0, 3_600_000), 'ERROR', n.id, rng.pick(ERRORS));
  const t0 = start + rng.int(600_000, 2_400_000);
  const times = Array.from({ length: errors }, (_, i) => t0 + i * rng.int(200, 5_000));
  const first = chain[0]!;
  times.forEach((t, i) => add(i === 0 ? first : rng.pick(chain.slice(1)), t, 'ERROR', culprit, rng.pick(ERRORS)));
  const files = [...lines.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ path: `/var/log/app/${name}`, content: `${list.sort((a, b) => a.t - b.t).map((l) => l.text).join('\n')}\n` }));
  return { files, request_id: culprit, first_service: first, errors };
}
