import { containsSubset } from '../internal/deep.js';
import { defineCheck, fail, pass, show, type CheckSpec } from './check.js';

export interface TimelineContainsSpec extends CheckSpec {
  type: string;
  name?: string;
  source?: 'scheduled' | 'injected';
  params?: Record<string, unknown>;
  min_count?: number;
  max_count?: number;
}

/** The world's timeline holds events of a type (with a name, source and params subset). */
export const timelineContains = defineCheck<TimelineContainsSpec>({
  kind: 'timeline_contains',
  run(spec, { world }) {
    const found = world.timeline.filter(
      (e) =>
        e.type === spec.type &&
        (spec.name === undefined || e.name === spec.name) &&
        (spec.source === undefined || e.source === spec.source) &&
        (spec.params === undefined || containsSubset(e.params, spec.params)),
    );
    const min = spec.min_count ?? 1;
    const max = spec.max_count ?? Infinity;
    const what = `${spec.type}${spec.name === undefined ? '' : ` named ${spec.name}`}${spec.params === undefined ? '' : ` with params ${show(spec.params, 120)}`}`;
    if (found.length >= min && found.length <= max) return pass(`${found.length} timeline event(s) ${what}`);
    const types = [...new Set(world.timeline.map((e) => e.type))].join(', ') || 'none';
    return fail(`expected ${max === Infinity ? `at least ${min}` : `${min}..${max}`} timeline event(s) ${what}, found ${found.length} (types on the timeline: ${types})`);
  },
});
