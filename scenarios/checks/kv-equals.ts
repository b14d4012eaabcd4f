import { deepEqual } from '../internal/deep.js';
import { defineCheck, fail, pass, show, type CheckSpec } from './check.js';

export interface KvEqualsSpec extends CheckSpec {
  key: string;
  equals?: unknown;
  absent?: boolean;
}

/** A world KV key holds a value (or, with `absent: true`, is unset). */
export const kvEquals = defineCheck<KvEqualsSpec>({
  kind: 'kv_equals',
  run(spec, { world }) {
    const has = world.kv.has(spec.key);
    if (spec.absent === true) return has ? fail(`world KV ${spec.key} is set to ${show(world.kv.get(spec.key))}, expected unset`) : pass(`world KV ${spec.key} is unset`);
    if (!has) return fail(`world KV ${spec.key} is unset, expected ${show(spec.equals)}`);
    const value = world.kv.get(spec.key);
    return deepEqual(value, spec.equals) ? pass(`world KV ${spec.key} = ${show(value)}`) : fail(`world KV ${spec.key} is ${show(value)}, expected ${show(spec.equals)}`);
  },
});
