/**
 * The one place where the TypeScript SDK turns its camelCase names into the wire's snake_case
 * names and back. The wire (docs/protocol.md, the kernel, the Python SDK) keeps `grace_ms`,
 * `message_id`, `now_ms`; TypeScript code sees `graceMs`, `messageId`, `nowMs`.
 *
 * Keys are renamed at every depth except below the fields that carry the caller's own data, whose
 * keys are not Clove's names ({@link OPAQUE_FIELDS}: a message `payload`, a stored `value`, an
 * agent's `env`, HTTP `headers`, ...). The types follow the same rule ({@link Camelized},
 * {@link Snaked}), so the compiler checks every mapping the client makes against the public types.
 */

/** Fields whose contents are data, passed through as they are: their keys are not Clove's names. */
export const OPAQUE_FIELDS = ['payload', 'value', 'env', 'params', 'headers', 'body', 'arguments', 'parameters', 'kv', 'answer'] as const;
export type OpaqueField = (typeof OPAQUE_FIELDS)[number];
const opaque: ReadonlySet<string> = new Set(OPAQUE_FIELDS);

/** `grace_ms` → `graceMs`, `queue_ms_p50` → `queueMsP50`. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** `graceMs` → `grace_ms`, `queueMsP50` → `queue_ms_p50`. */
export type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S;

/** A wire shape with its keys in camelCase at every depth, opaque fields left as they are. */
export type Camelized<T> = T extends readonly unknown[]
  ? { [I in keyof T]: Camelized<T[I]> }
  : T extends Uint8Array
    ? T
    : T extends object
      ? { [K in keyof T as K extends string ? CamelCase<K> : K]: K extends OpaqueField ? T[K] : Camelized<T[K]> }
      : T;

/** A camelCase shape with its keys in snake_case at every depth: what goes on the wire. */
export type Snaked<T> = T extends readonly unknown[]
  ? { [I in keyof T]: Snaked<T[I]> }
  : T extends Uint8Array
    ? T
    : T extends object
      ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: K extends OpaqueField ? T[K] : Snaked<T[K]> }
      : T;

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function renameKeys(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out[rename(key)] = opaque.has(key) ? item : renameKeys(item, rename);
  }
  return out;
}

/** What the kernel answered, as TypeScript sees it. */
export function fromWire<T>(value: T): Camelized<T> {
  return renameKeys(value, camelCase) as Camelized<T>;
}

/** What TypeScript passed, as the kernel reads it. */
export function toWire<T>(value: T): Snaked<T> {
  return renameKeys(value, snakeCase) as Snaked<T>;
}

/**
 * A kernel event for TypeScript. The data of the kernel's own events is Clove's (`exit_code` →
 * `exitCode`); a CUSTOM event's data is what the emitting agent wrote and stays as it was.
 */
export function eventFromWire<E extends { type: string; data: Record<string, unknown> }>(event: E): Camelized<Omit<E, 'data'>> & { data: Record<string, unknown> } {
  const { data, ...rest } = event;
  return { ...fromWire(rest), data: event.type === 'CUSTOM' ? data : (fromWire(data) as Record<string, unknown>) } as Camelized<Omit<E, 'data'>> & { data: Record<string, unknown> };
}
