/**
 * Grading: runs an instance's checks against the final world and turns them into a reward with
 * its breakdown (tau2-bench style: every component and penalty visible).
 */
import type { CheckOutcome, RewardBreakdown } from '../gym/episode.js';
import { checkKinds } from './checks/index.js';
import type { GradeContext, GradeResult, ScenarioInstance } from './scenario.js';

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${(error as Error & { code?: string }).code ?? error.name}: ${error.message}`;
  return String(error);
}

/**
 * Grades one finished episode. A check that throws fails with the error as its message; grading
 * itself never throws for a check's sake.
 *
 * Reward: `reward.success` when every required check passes; otherwise, with `reward.partial`,
 * `partial_scale × success × (passed weight / total weight)`; then penalties of failed checks are
 * subtracted and the total is floored at `reward.min`.
 *
 * @example
 * const result = await grade(instance, { world, submitted: true, answer: 42, outputs: [], llmPrompts: [], exec });
 * result.success; result.breakdown.components;
 */
export async function grade(instance: ScenarioInstance, ctx: GradeContext): Promise<GradeResult> {
  const checks: CheckOutcome[] = [];
  for (const spec of instance.checks) {
    const id = spec.id ?? spec.kind;
    const weight = spec.weight ?? 1;
    const kind = checkKinds.get(spec.kind);
    if (kind === undefined) {
      checks.push({ id, kind: spec.kind, weight, passed: false, message: `unknown check kind ${JSON.stringify(spec.kind)} (known: ${[...checkKinds.keys()].join(', ')})` });
      continue;
    }
    try {
      const result = await kind.run(spec, { ...ctx, instance });
      checks.push({ id, kind: spec.kind, weight, passed: result.passed, message: result.message });
    } catch (error) {
      checks.push({ id, kind: spec.kind, weight, passed: false, message: `the check could not run: ${errorMessage(error)}` });
    }
  }
  const reward = instance.scenario.reward;
  const requiredIds = new Set(instance.checks.filter((c) => c.required !== false).map((c) => c.id ?? c.kind));
  const success = checks.every((c) => c.passed || !requiredIds.has(c.id));
  const totalWeight = checks.reduce((sum, c) => sum + c.weight, 0);
  const cap = success ? reward.success : reward.partial ? reward.partialScale * reward.success : 0;
  const components = checks.map((c) => ({
    id: c.id,
    weight: c.weight,
    passed: c.passed,
    reward: c.passed && totalWeight > 0 ? (c.weight / totalWeight) * cap : 0,
  }));
  const penalties = reward.penalties
    .filter((p) => checks.some((c) => c.id === p.check && !c.passed))
    .map((p) => ({ id: p.id, amount: p.amount, reason: p.reason ?? `check ${p.check} failed` }));
  const base = success ? reward.success : components.reduce((sum, c) => sum + c.reward, 0);
  const total = Math.max(reward.min, base - penalties.reduce((sum, p) => sum + p.amount, 0));
  const breakdown: RewardBreakdown = { total, success: success ? reward.success : 0, components, penalties };
  return { success, reward: total, breakdown, checks };
}
