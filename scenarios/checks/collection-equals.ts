import { canonicalJson } from '../internal/deep.js';
import { defineCheck, fail, pass, show, type CheckSpec } from './check.js';

export interface CollectionEqualsSpec extends CheckSpec {
  route: string;
  items: Array<Record<string, unknown>>;
  ignore_fields?: string[];
  key?: string;
}

/** A mock REST collection holds exactly the expected items, in any order (final-state grading). */
export const collectionEquals = defineCheck<CollectionEqualsSpec>({
  kind: 'collection_equals',
  run(spec, { world }) {
    const routes = world.definition.network?.routes ?? [];
    const index = routes.findIndex((r) => r.collection !== undefined && (r.name === spec.route || r.url.replace(/\/+$/, '') === spec.route.replace(/\/+$/, '')));
    if (index === -1) return fail(`the world has no collection route named or at ${show(spec.route)}`);
    const state = world.network.state().collections.find((c) => c.route === index);
    if (state === undefined) return fail(`the collection at ${spec.route} has no state`);
    const ignore = new Set(spec.ignore_fields ?? []);
    const strip = (item: Record<string, unknown>): string => canonicalJson(Object.fromEntries(Object.entries(item).filter(([k]) => !ignore.has(k))));
    const key = spec.key ?? state.idField;
    const actual = state.items.map((item) => ({ item, canon: strip(item) }));
    const unmatched = [...actual];
    const missing: Array<Record<string, unknown>> = [];
    for (const expected of spec.items) {
      const canon = strip(expected);
      const at = unmatched.findIndex((a) => a.canon === canon);
      if (at === -1) missing.push(expected);
      else unmatched.splice(at, 1);
    }
    if (missing.length === 0 && unmatched.length === 0) return pass(`${spec.route} holds the ${spec.items.length} expected item(s)`);
    const label = (item: Record<string, unknown>): string => (item[key] === undefined ? show(item, 120) : `${key}=${show(item[key])}`);
    const details: string[] = [];
    for (const m of missing) {
      const same = m[key] === undefined ? undefined : unmatched.find((a) => canonicalJson(a.item[key]) === canonicalJson(m[key]));
      details.push(same === undefined ? `missing ${label(m)} ${show(m, 160)}` : `${label(m)} is ${show(same.item, 160)}, expected ${show(m, 160)}`);
    }
    for (const u of unmatched) {
      if (!missing.some((m) => m[key] !== undefined && canonicalJson(u.item[key]) === canonicalJson(m[key]))) details.push(`unexpected ${label(u.item)} ${show(u.item, 160)}`);
    }
    return fail(`${spec.route} does not hold the expected items (${state.items.length} found, ${spec.items.length} expected): ${details.slice(0, 6).join('; ')}${details.length > 6 ? `; and ${details.length - 6} more` : ''}`);
  },
});
