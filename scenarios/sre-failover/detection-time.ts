import type { CheckContext, CheckResult } from '../checks/check.js';

interface Params {
  note: string;
  outage_at: string;
  within_ms: number;
}

/** The note's `Detected:` time lies between the outage's start and start + within_ms (the world clock's times). */
export function check(ctx: CheckContext, params: unknown): CheckResult {
  const p = params as Params;
  if (!ctx.world.fs.exists(p.note)) return { passed: false, message: `${p.note} does not exist` };
  const text = ctx.world.fs.readFile(p.note).toString('utf8');
  const match = /^Detected:\s*(\S+)/m.exec(text);
  if (match === null) return { passed: false, message: `${p.note} has no line "Detected: <ISO time>"` };
  const detected = Date.parse(match[1] ?? '');
  if (Number.isNaN(detected)) return { passed: false, message: `${p.note}: ${JSON.stringify(match[1])} is not an ISO 8601 time` };
  const outage = Date.parse(p.outage_at);
  const late = detected - outage;
  if (late < 0) return { passed: false, message: `detected at ${new Date(detected).toISOString()}, before the outage began (${p.outage_at}): the time is not the world clock's` };
  if (late > p.within_ms) return { passed: false, message: `detected at ${new Date(detected).toISOString()}, ${late} ms after the outage began (${p.outage_at}); expected within ${p.within_ms} ms` };
  return { passed: true, message: `detected ${late} ms after the outage began` };
}
