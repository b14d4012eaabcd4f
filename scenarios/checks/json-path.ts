import { deepEqual, jsonPath, unorderedEqual } from '../internal/deep.js';
import { defineCheck, fail, pass, show, type CheckSpec } from './check.js';
import { readWorldJson } from './file-text.js';

export interface JsonPathSpec extends CheckSpec {
  path: string;
  query: string;
  equals: unknown;
  unordered?: boolean;
}

/** A value inside a JSON file equals the expected one. */
export const jsonPathCheck = defineCheck<JsonPathSpec>({
  kind: 'json_path',
  run(spec, { world }) {
    const read = readWorldJson(world, spec.path);
    if ('error' in read) return fail(read.error);
    const found = jsonPath(read.value, spec.query);
    if (found.error !== undefined) return fail(found.error);
    if (!found.found) return fail(`${spec.path} has nothing at ${spec.query} (expected ${show(spec.equals)})`);
    const equal = spec.unordered === true ? unorderedEqual(found.value, spec.equals) : deepEqual(found.value, spec.equals);
    if (equal) return pass(`${spec.path} ${spec.query} = ${show(spec.equals)}`);
    return fail(`${spec.path} ${spec.query} is ${show(found.value)}, expected ${show(spec.equals)}`);
  },
});
