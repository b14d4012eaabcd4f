import type { FsLimits } from './fs/world-fs.js';
import type { WorldLimitsDefinition } from './schema.js';

/** What a world may hold: its filesystem limits and how much history it keeps. */
export interface WorldLimits extends FsLimits {
  /** Timeline entries kept (the oldest are dropped). */
  timelineEntries: number;
  /** Request log entries kept (the oldest are dropped). */
  requestLogEntries: number;
}

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, KIB: 1024, M: 1024 ** 2, MB: 1024 ** 2, MIB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, GIB: 1024 ** 3 };

/** Bytes from a number or a size string ("64M"); the schema has checked the form. */
export function parseSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`not a size: ${JSON.stringify(value)}`);
  return Math.floor(Number(m[1]) * unit);
}

const NONE = Number.POSITIVE_INFINITY;

/**
 * A world's limits: the smaller of what its file asks (`limits:`) and what its host allows
 * (`ceiling`, the kernel's quotas; unlimited for a world used as a library).
 */
export function resolveWorldLimits(definition: WorldLimitsDefinition | undefined, ceiling: Partial<WorldLimits> = {}): WorldLimits {
  const pick = (own: number | string | undefined, cap: number | undefined) => Math.min(own === undefined ? NONE : parseSize(own), cap ?? NONE);
  return {
    files: pick(definition?.files, ceiling.files),
    bytes: pick(definition?.bytes, ceiling.bytes),
    largestFile: pick(definition?.largest_file, ceiling.largestFile),
    timelineEntries: ceiling.timelineEntries ?? NONE,
    requestLogEntries: ceiling.requestLogEntries ?? NONE,
  };
}
