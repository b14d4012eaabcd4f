import type { GeneratorContext } from '../generator.js';

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const ticket = `REL-${rng.int(1000, 9999)}`;
  const decoys = Array.from({ length: 3 }, () => `REL-${rng.int(1000, 9999)}`).filter((d) => d !== ticket);
  return { ticket, decoys: decoys.join(', '), code: `${rng.word(2)}-${rng.hex(6)}`, delay_ms: rng.int(30, 240) * 1000 };
}
