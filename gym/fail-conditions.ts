/**
 * A scenario's failure conditions (`fail_when:`): checks evaluated on the live world during an
 * episode. The first one that passes ends the episode, terminated with reason `failed_check`.
 */
import type { FailedCheck } from './episode.js';
import type { GradeContext, Grader, GymInstance } from './scenario.js';

/** True when the instance has failure conditions worth evaluating. */
export function hasFailConditions(instance: GymInstance): boolean {
  return (instance.failWhen?.length ?? 0) > 0;
}

/**
 * The failure condition that holds on `ctx.world` now, or null. The conditions are graded with
 * the scenario's own grader (they are checks like any other), so every check kind can be one.
 *
 * @example
 * const held = await failedCondition(spec.grade, instance, ctx);
 * if (held) end('failed_check'); // held.message says what happened
 */
export async function failedCondition(grade: Grader, instance: GymInstance, ctx: GradeContext): Promise<FailedCheck | null> {
  if (!hasFailConditions(instance)) return null;
  const result = await grade({ ...instance, checks: instance.failWhen ?? [] }, ctx);
  const held = result.checks.find((c) => c.passed);
  return held ? { id: held.id, kind: held.kind, message: held.message } : null;
}
