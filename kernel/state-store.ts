import type { StoreScope } from '../sdk/types.js';
import { quotaExceeded, sizeOf } from './quota/index.js';

interface Entry {
  value: unknown;
  expiresAt: number | null;
  /** Approximate bytes of the value (sizeOf) plus the key. */
  size: number;
  /** The agent that stored it (null for operators), for METRICS_AGENT kernel_bytes. */
  owner: number | null;
}

interface Space {
  entries: Map<string, Entry>;
  bytes: number;
}

/** What a STORE may use: the caller's quotas for the namespace and the whole store. */
export interface StoreLimits {
  op: string;
  bytes: number;
  keys: number;
  totalBytes: number;
  /** Whether the namespace's quotas are the agent's own (SPAWN quotas) or the kernel's. */
  scope: 'agent' | 'kernel';
}

/**
 * Key-value state in named namespaces (`global`, `agent:<id>`, `session:<conn>`), with TTLs that
 * expire lazily on access and in a periodic sweep. Each namespace counts its keys and bytes so a
 * STORE past a quota is refused before anything changes, and a DELETE gives the bytes back.
 */
export class StateStore {
  private readonly spaces = new Map<string, Space>();
  private totalBytes = 0;
  private readonly byOwner = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  static namespace(scope: StoreScope, owner: string | number): string {
    return scope === 'global' ? 'global' : `${scope}:${owner}`;
  }

  /**
   * Stores a value; with `limits`, throws QUOTA_EXCEEDED (and changes nothing) when the namespace
   * would hold too many keys or bytes, or the store too many bytes. Returns the namespace's use.
   */
  set(ns: string, key: string, value: unknown, ttlMs?: number, limits?: StoreLimits, owner: number | null = null): { bytes: number; keys: number } {
    let space = this.spaces.get(ns);
    const old = space ? this.live(ns, key) : undefined;
    const size = sizeOf(value) + key.length + 48;
    if (limits) {
      const keys = (space?.entries.size ?? 0) + (old ? 0 : 1);
      if (keys > limits.keys) throw quotaExceeded(limits.op, 'storeKeys', limits.keys, keys, `namespace '${ns}' with key '${key.slice(0, 80)}'`, limits.scope);
      const bytes = (space?.bytes ?? 0) - (old?.size ?? 0) + size;
      if (bytes > limits.bytes) throw quotaExceeded(limits.op, 'storeBytes', limits.bytes, bytes, `namespace '${ns}'`, limits.scope);
      const total = this.totalBytes - (old?.size ?? 0) + size;
      if (total > limits.totalBytes) throw quotaExceeded(limits.op, 'storeTotalBytes', limits.totalBytes, total, 'the whole store');
    }
    if (!space) this.spaces.set(ns, (space = { entries: new Map(), bytes: 0 }));
    if (old) this.account(space, old, -1);
    const entry: Entry = { value, expiresAt: ttlMs ? this.now() + ttlMs : null, size, owner };
    space.entries.set(key, entry);
    this.account(space, entry, 1);
    return { bytes: space.bytes, keys: space.entries.size };
  }

  get(ns: string, key: string): { found: boolean; value: unknown } {
    const entry = this.live(ns, key);
    return entry ? { found: true, value: entry.value } : { found: false, value: null };
  }

  delete(ns: string, key: string): boolean {
    const entry = this.live(ns, key);
    if (!entry) return false;
    this.remove(ns, key, entry);
    return true;
  }

  keys(ns: string, prefix = ''): string[] {
    const space = this.spaces.get(ns);
    if (!space) return [];
    const now = this.now();
    const out: string[] = [];
    for (const [key, entry] of space.entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.remove(ns, key, entry);
      else if (key.startsWith(prefix)) out.push(key);
    }
    return out.sort();
  }

  dropNamespace(ns: string): void {
    const space = this.spaces.get(ns);
    if (!space) return;
    for (const entry of space.entries.values()) this.account(space, entry, -1);
    this.spaces.delete(ns);
  }

  /** Bytes and keys held in a namespace. */
  usage(ns: string): { bytes: number; keys: number } {
    const space = this.spaces.get(ns);
    return { bytes: space?.bytes ?? 0, keys: space?.entries.size ?? 0 };
  }

  /** Bytes of values an agent stored, in any namespace. */
  bytesOwnedBy(agentId: number): number {
    return this.byOwner.get(agentId) ?? 0;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Removes expired entries everywhere; returns how many. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [ns, space] of this.spaces) {
      for (const [key, entry] of space.entries) {
        if (entry.expiresAt !== null && entry.expiresAt <= now) {
          this.remove(ns, key, entry);
          removed++;
        }
      }
    }
    return removed;
  }

  private remove(ns: string, key: string, entry: Entry): void {
    const space = this.spaces.get(ns);
    if (!space || space.entries.get(key) !== entry) return;
    space.entries.delete(key);
    this.account(space, entry, -1);
    if (space.entries.size === 0) this.spaces.delete(ns);
  }

  private account(space: Space, entry: Entry, sign: 1 | -1): void {
    space.bytes += sign * entry.size;
    this.totalBytes += sign * entry.size;
    if (entry.owner !== null) {
      const left = (this.byOwner.get(entry.owner) ?? 0) + sign * entry.size;
      if (left > 0) this.byOwner.set(entry.owner, left);
      else this.byOwner.delete(entry.owner);
    }
  }

  private live(ns: string, key: string): Entry | undefined {
    const space = this.spaces.get(ns);
    const entry = space?.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.remove(ns, key, entry);
      return undefined;
    }
    return entry;
  }
}
