/** A duration in a world file: milliseconds as a number, or a string like `500ms`, `30s`, `5m`, `1h30m`, `2d`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Converts a duration to whole milliseconds, or returns null when it is not one.
 *
 * @example
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration(250);     // 250
 */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  if (typeof value !== 'string' || value.length === 0) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value));
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(value); m !== null; m = PART.exec(value)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
    end = PART.lastIndex;
  }
  return end === value.length ? Math.round(total) : null;
}

/** Like {@link parseDuration} but throws a `TypeError` naming the field. */
export function durationMs(value: unknown, field: string): number {
  const ms = parseDuration(value);
  if (ms === null) {
    throw new TypeError(`${field} must be a duration (milliseconds, or a string like "30s", "5m", "1h30m"), got ${JSON.stringify(value)}`);
  }
  return ms;
}
