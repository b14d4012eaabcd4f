/**
 * Seeded generators: `generate.ts` of a scenario default-exports `(ctx) => values`, and the
 * values fill the scenario's templates. Randomness comes only from `ctx.rng`, seeded by the
 * scenario id and the episode seed (seedrandom's alea, like the world engine): never Math.random.
 */
import { WorldRandom } from '../worlds/index.js';

/** The seeded random helpers a generator gets. */
export class ScenarioRandom {
  readonly #rng: WorldRandom;

  constructor(seed: string) {
    this.#rng = new WorldRandom(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#rng.next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return this.#rng.int(min, max);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.#rng.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** `n` distinct elements, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    return this.shuffle(items).slice(0, n);
  }

  /** `n` lowercase hex characters. */
  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += '0123456789abcdef'[this.int(0, 15)];
    return out;
  }

  /** A pronounceable lowercase word of `syllables` syllables (default 3). */
  word(syllables = 3): string {
    const c = 'bdfgklmnprstvz';
    const v = 'aeiou';
    let out = '';
    for (let i = 0; i < syllables; i++) out += c[this.int(0, c.length - 1)]! + v[this.int(0, v.length - 1)]!;
    return out;
  }
}

/** What a generator gets. */
export interface GeneratorContext {
  /** The episode seed. */
  seed: number;
  /** The scenario id (`name-v1`). */
  scenario: string;
  rng: ScenarioRandom;
}

/** The default export of a scenario's generate.ts. */
export type ScenarioGenerator = (ctx: GeneratorContext) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** The context for one seed of one scenario. */
export function generatorContext(scenario: string, seed: number): GeneratorContext {
  return { seed, scenario, rng: new ScenarioRandom(`${scenario}:generator:${seed}`) };
}
