import type { CheckOutcome, EpisodeMetrics, EpisodeRecord, FailedCheck, TerminationReason } from './episode.js';
import type { GradeResult, GymScenario } from './scenario.js';

/** Reasons that mean a limit cut the episode short (`truncated`). */
export const TRUNCATING_REASONS: ReadonlySet<TerminationReason> = new Set(['step_limit', 'time_limit', 'wall_limit', 'token_limit', 'syscall_limit']);

export interface RecordInput {
  scenario: GymScenario;
  seed: number;
  agent: string;
  mode: EpisodeRecord['mode'];
  reason: TerminationReason;
  grade: GradeResult | undefined;
  error?: { code: string; message: string } | undefined;
  /** The failure condition that held (reason `failed_check`). */
  failedCheck?: FailedCheck | undefined;
  steps: number;
  wallMs: number;
  virtualMs: number;
  metrics: EpisodeMetrics;
  worldHash: string;
  submitted: boolean;
  answer: unknown;
  startedAt: string;
}

/**
 * The one place an EpisodeRecord is assembled (in-process and external). A premature end (a limit,
 * a crash, a harness error) scores 0, as in tau2-bench; its checks are still reported, and the
 * partial credit it lost is listed as a penalty. A failure condition (`failed_check`) is never a
 * success and scores at most 0: the credit it cost is a penalty named after the condition.
 */
export function buildRecord(input: RecordInput): EpisodeRecord {
  const { grade, reason } = input;
  const truncated = TRUNCATING_REASONS.has(reason);
  const errored = reason === 'error' || reason === 'agent_crash';
  const success = !truncated && !errored && reason !== 'failed_check' && grade?.success === true;
  const checks: CheckOutcome[] = grade?.checks ?? [];
  const breakdown = grade ? structuredClone(grade.breakdown) : { total: 0, success: 0, components: [], penalties: [] };
  let reward = grade?.reward ?? 0;
  if (truncated || errored) {
    if (reward !== 0) breakdown.penalties.push({ id: reason, amount: reward, reason: `the episode ended early (${reason}): a premature end scores 0` });
    reward = 0;
    breakdown.total = 0;
  }
  const failedCheck = reason === 'failed_check' ? input.failedCheck : undefined;
  if (reason === 'failed_check') {
    const id = failedCheck?.id ?? 'failed_check';
    if (reward > 0) breakdown.penalties.push({ id, amount: reward, reason: `failure condition ${id} held${failedCheck ? `: ${failedCheck.message}` : ''}` });
    reward = Math.min(0, reward);
    breakdown.total = reward;
    breakdown.success = 0;
  }
  return {
    scenario: input.scenario.id,
    scenarioVersion: input.scenario.version,
    seed: input.seed,
    agent: input.agent,
    mode: input.mode,
    outcome: errored ? 'errored' : truncated ? 'truncated' : success ? 'succeeded' : 'failed',
    reason,
    success,
    reward,
    breakdown,
    checks,
    steps: input.steps,
    wallMs: Math.round(input.wallMs * 1000) / 1000,
    virtualMs: input.virtualMs,
    metrics: input.metrics,
    worldHash: input.worldHash,
    ...(input.submitted ? { answer: input.answer } : {}),
    ...(input.error ? { error: input.error } : {}),
    ...(failedCheck ? { failedCheck } : {}),
    startedAt: input.startedAt,
  };
}
