import seedrandom from 'seedrandom';

/** Saved state of a {@link WorldRandom}; restores it exactly. */
export type RandomState = seedrandom.State.Alea;

/**
 * A seeded random source (seedrandom's alea) owned by one world. Never touches `Math.random`.
 *
 * @example
 * const rng = new WorldRandom('7:network');
 * rng.next();        // same float for the same seed, on every machine
 * const saved = rng.state();
 * WorldRandom.fromState(saved).next() === rng.next(); // true
 */
export class WorldRandom {
  #prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;

  constructor(seed: string | number, state?: RandomState) {
    this.#prng = seedrandom.alea(String(seed), { state: state === undefined ? true : { ...state } });
  }

  static fromState(state: RandomState): WorldRandom {
    return new WorldRandom('', state);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#prng.quick();
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.#prng.quick() * (max - min + 1));
  }

  /** `n` pseudo-random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.#prng.quick() * 256);
    return out;
  }

  /** A copy of the internal state, e.g. for a snapshot. */
  state(): RandomState {
    return this.#prng.state();
  }
}
