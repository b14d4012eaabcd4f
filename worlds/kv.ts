/**
 * World-scoped key-value state: what agents STORE inside a world lives and is snapshotted with it.
 * Values are cloned on the way in and out, so nobody can change the world's state behind its back.
 *
 * @example
 * world.kv.set('attempts', 3);
 * world.kv.get('attempts'); // 3
 */
export class WorldKv {
  readonly #entries = new Map<string, unknown>();

  get(key: string): unknown {
    const value = this.#entries.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, value: unknown): void {
    if (value === undefined) throw new TypeError(`kv.set(${JSON.stringify(key)}): value must not be undefined; use delete() to remove a key`);
    this.#entries.set(key, structuredClone(value));
  }

  /** Removes a key; returns whether it existed. */
  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Keys in sorted order (optionally only those starting with `prefix`). */
  keys(prefix = ''): string[] {
    return [...this.#entries.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Sorted entries, not cloned: for snapshots and hashing only. */
  entries(): Array<[string, unknown]> {
    return [...this.#entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  load(entries: Iterable<[string, unknown]>): void {
    this.#entries.clear();
    for (const [k, v] of entries) this.#entries.set(k, v);
  }
}
