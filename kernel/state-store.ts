import type { StoreScope } from '../sdk/types.js';

interface Entry {
  value: unknown;
  expiresAt: number | null;
}

/**
 * Key-value state in named namespaces (`global`, `agent:<id>`, `session:<conn>`), with TTLs that
 * expire lazily on access and in a periodic sweep.
 */
export class StateStore {
  private readonly spaces = new Map<string, Map<string, Entry>>();

  constructor(private readonly now: () => number = Date.now) {}

  static namespace(scope: StoreScope, owner: string | number): string {
    return scope === 'global' ? 'global' : `${scope}:${owner}`;
  }

  set(ns: string, key: string, value: unknown, ttlMs?: number): void {
    let space = this.spaces.get(ns);
    if (!space) this.spaces.set(ns, (space = new Map()));
    space.set(key, { value, expiresAt: ttlMs ? this.now() + ttlMs : null });
  }

  get(ns: string, key: string): { found: boolean; value: unknown } {
    const entry = this.live(ns, key);
    return entry ? { found: true, value: entry.value } : { found: false, value: null };
  }

  delete(ns: string, key: string): boolean {
    const existed = this.live(ns, key) !== undefined;
    this.spaces.get(ns)?.delete(key);
    return existed;
  }

  keys(ns: string, prefix = ''): string[] {
    const space = this.spaces.get(ns);
    if (!space) return [];
    const now = this.now();
    const out: string[] = [];
    for (const [key, entry] of space) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) space.delete(key);
      else if (key.startsWith(prefix)) out.push(key);
    }
    return out.sort();
  }

  dropNamespace(ns: string): void {
    this.spaces.delete(ns);
  }

  /** Removes expired entries everywhere; returns how many. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const space of this.spaces.values()) {
      for (const [key, entry] of space) {
        if (entry.expiresAt !== null && entry.expiresAt <= now) {
          space.delete(key);
          removed++;
        }
      }
    }
    return removed;
  }

  private live(ns: string, key: string): Entry | undefined {
    const space = this.spaces.get(ns);
    const entry = space?.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      space!.delete(key);
      return undefined;
    }
    return entry;
  }
}
