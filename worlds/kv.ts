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
  readonly #sizes = new Map<string, number>();
  #bytes = 0;

  /** Approximate bytes the state holds (keys and values), for quotas. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Approximate bytes `set(key, value)` would leave the state holding. */
  bytesAfterSet(key: string, value: unknown): number {
    return this.#bytes - (this.#sizes.get(key) ?? 0) + approximateSize(key, value);
  }

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
    this.#account(key, value);
  }

  /** Removes a key; returns whether it existed. */
  delete(key: string): boolean {
    this.#bytes -= this.#sizes.get(key) ?? 0;
    this.#sizes.delete(key);
    return this.#entries.delete(key);
  }

  #account(key: string, value: unknown): void {
    const size = approximateSize(key, value);
    this.#bytes += size - (this.#sizes.get(key) ?? 0);
    this.#sizes.set(key, size);
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
    this.#sizes.clear();
    this.#bytes = 0;
    for (const [k, v] of entries) {
      this.#entries.set(k, v);
      this.#account(k, v);
    }
  }
}

/** Bytes of a key and its value, roughly as held in memory: strings, binary, 8 per number, a little per container. Iterative. */
function approximateSize(key: string, value: unknown): number {
  let total = 48 + key.length;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') total += 16 + v.length;
    else if (ArrayBuffer.isView(v)) total += 32 + v.byteLength;
    else if (Array.isArray(v)) {
      total += 16 + 8 * v.length;
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      total += 16;
      for (const [k, item] of Object.entries(v)) {
        total += 24 + k.length;
        stack.push(item);
      }
    } else total += 8;
  }
  return total;
}
