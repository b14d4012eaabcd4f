import { defineCheck, fail, pass, type CheckSpec } from './check.js';
import { matchesRequest, describeFilter, type RequestFilter } from './request-filter.js';

export interface RequestsPacedSpec extends CheckSpec, RequestFilter {
  retry_status?: number;
  retry_after_ms?: number;
  min_interval_ms?: number;
  min_count?: number;
}

/** Retry delay a response asked for: `retry_after` (seconds) in a JSON body, else the spec's default. */
function retryAfterMs(body: string | null, fallback: number | undefined): number | undefined {
  if (body !== null) {
    try {
      const parsed = JSON.parse(body) as { retry_after?: unknown };
      if (typeof parsed.retry_after === 'number') return parsed.retry_after * 1000;
    } catch {
      // not JSON: use the default
    }
  }
  return fallback;
}

/**
 * Requests respected the server's pacing, judged from the request log's virtual times: after a
 * `retry_status` answer (429) the next matching request came no sooner than its Retry-After, and
 * consecutive requests were at least `min_interval_ms` apart.
 */
export const requestsPaced = defineCheck<RequestsPacedSpec>({
  kind: 'requests_paced',
  run(spec, { world }) {
    const requests = world.requestLog.filter((e) => matchesRequest(e, spec));
    const min = spec.min_count ?? 1;
    if (requests.length < min) return fail(`expected at least ${min} request(s) ${describeFilter(spec)}, found ${requests.length}`);
    const status = spec.retry_status ?? 429;
    for (let i = 1; i < requests.length; i++) {
      const prev = requests[i - 1]!;
      const cur = requests[i]!;
      const prevEnd = prev.completedAt ?? prev.time;
      const gap = cur.time - prevEnd;
      if (prev.status === status) {
        const wait = retryAfterMs(prev.responseBody, spec.retry_after_ms);
        if (wait !== undefined && gap < wait) {
          return fail(`request #${cur.seq} (${cur.method} ${cur.url}) came ${gap} ms after a ${status} that asked to wait ${wait} ms (at ${new Date(cur.time).toISOString()})`);
        }
      }
      if (spec.min_interval_ms !== undefined && cur.time - prev.time < spec.min_interval_ms) {
        return fail(`requests #${prev.seq} and #${cur.seq} were ${cur.time - prev.time} ms apart, less than ${spec.min_interval_ms} ms`);
      }
    }
    const limited = requests.filter((r) => r.status === status).length;
    return pass(`${requests.length} request(s) ${describeFilter(spec)} respected the pacing (${limited} answered ${status} and were waited out)`);
  },
});
