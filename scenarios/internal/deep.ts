/** Structural comparison helpers shared by checks. */

/** Canonical JSON with sorted keys: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Arrays compared as multisets (recursively only at the top level). */
export function unorderedEqual(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return deepEqual(a, b);
  if (a.length !== b.length) return false;
  const left = a.map(canonicalJson).sort();
  const right = b.map(canonicalJson).sort();
  return left.every((v, i) => v === right[i]);
}

/** True when `actual` contains `expected`: objects by subset of keys (recursively), everything else by equality. */
export function containsSubset(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => containsSubset((actual as Record<string, unknown>)[k], v));
  }
  return deepEqual(actual, expected);
}

/**
 * Evaluates a small JSONPath: `$`, `$.a.b`, `$.items[0].name`, `$['key with spaces']`.
 * Returns `{ found: false }` when a step is missing.
 */
export function jsonPath(value: unknown, query: string): { found: boolean; value?: unknown; error?: string } {
  if (!query.startsWith('$')) return { found: false, error: `the query ${JSON.stringify(query)} must start with $` };
  const steps: Array<string | number> = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(?:'([^']*)'|"([^"]*)")\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < query.length) {
    const m = re.exec(query);
    if (m === null) return { found: false, error: `the query ${JSON.stringify(query)} is not a supported JSONPath (use $.a.b, $.a[0], $['a b'])` };
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4] ?? '')));
  }
  let current: unknown = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return { found: false };
    if (typeof step === 'number' && !Array.isArray(current)) return { found: false };
    if (!Object.hasOwn(current as object, step)) return { found: false };
    current = (current as Record<string | number, unknown>)[step];
  }
  return { found: true, value: current };
}

/** Glob over world paths: `*` one segment, `**` any depth; a plain directory covers what is under it. */
export function pathAllowed(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    if (!/[*?]/.test(pattern)) {
      const dir = pattern.replace(/\/+$/, '');
      return path === dir || path.startsWith(`${dir}/`);
    }
    const source = pattern
      .split(/(\*\*\/?|\*|\?)/)
      .map((part) => (part === '**/' || part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${source}$`).test(path);
  });
}
