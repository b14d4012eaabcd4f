import { containsSubset } from '../internal/deep.js';
import { asList, defineCheck, fail, pass, show, type CheckSpec } from './check.js';
import { describeFilter, matchesRequest, type RequestFilter } from './request-filter.js';

export interface HttpCalledSpec extends CheckSpec, RequestFilter {
  body_contains?: string | string[];
  body_json?: unknown;
  status?: number;
  count?: number;
  min_count?: number;
  max_count?: number;
}

/** Requests matching the filter were made (default: at least once), read from the world's request log. */
export const httpCalled = defineCheck<HttpCalledSpec>({
  kind: 'http_called',
  run(spec, { world }) {
    const log = world.requestLog;
    const byRoute = log.filter((e) => matchesRequest(e, spec));
    const matching = byRoute.filter((e) => {
      if (spec.status !== undefined && e.status !== spec.status) return false;
      const body = e.requestBody ?? '';
      if (!asList(spec.body_contains).every((t) => body.includes(t))) return false;
      if (spec.body_json !== undefined) {
        try {
          if (!containsSubset(JSON.parse(body) as unknown, spec.body_json)) return false;
        } catch {
          return false;
        }
      }
      return true;
    });
    const n = matching.length;
    const what = `${describeFilter(spec)}${spec.status === undefined ? '' : ` answered ${spec.status}`}${spec.body_json === undefined ? '' : ` with body containing ${show(spec.body_json, 120)}`}${spec.body_contains === undefined ? '' : ` with body text ${asList(spec.body_contains).map((t) => show(t, 60)).join(', ')}`}`;
    const min = spec.count ?? spec.min_count ?? 1;
    const max = spec.count ?? spec.max_count ?? Infinity;
    if (n >= min && n <= max) return pass(`${n} request(s) ${what}`);
    const near = byRoute.length > n ? ` (${byRoute.length} to that route, e.g. body ${show(byRoute[byRoute.length - 1]?.requestBody ?? '', 120)} status ${String(byRoute[byRoute.length - 1]?.status)})` : '';
    const expected = spec.count !== undefined ? `exactly ${spec.count}` : max === Infinity ? `at least ${min}` : `${min}..${max}`;
    return fail(`expected ${expected} request(s) ${what}, found ${n}${near}; ${log.length} request(s) in the log`);
  },
});
