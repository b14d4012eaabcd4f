import { defineCheck, fail, pass, type CheckSpec } from './check.js';
import { describeFilter, matchesRequest, type RequestFilter } from './request-filter.js';

export interface HttpNotCalledSpec extends CheckSpec, RequestFilter {}

/** No request matching the filter appears in the world's request log (blocked and failed attempts count). */
export const httpNotCalled = defineCheck<HttpNotCalledSpec>({
  kind: 'http_not_called',
  run(spec, { world }) {
    const found = world.requestLog.filter((e) => matchesRequest(e, spec));
    if (found.length === 0) return pass(`no request ${describeFilter(spec)}`);
    const first = found[0]!;
    return fail(`${found.length} request(s) ${describeFilter(spec)} were made; the first: ${first.method} ${first.url} at ${new Date(first.time).toISOString()}`);
  },
});
