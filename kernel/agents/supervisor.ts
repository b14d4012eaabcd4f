import type { RestartPolicy } from '../../sdk/types.js';

/** Defaults for the restart fields a SPAWN leaves out. */
export const RESTART_DEFAULTS = {
  max_restarts: 5,
  window_ms: 60_000,
  backoff_initial_ms: 100,
  backoff_factor: 2,
  backoff_max_ms: 30_000,
  reset_after_ms: 10_000,
} as const;

export type ResolvedRestartPolicy = Required<RestartPolicy>;

export function resolveRestartPolicy(policy: RestartPolicy | undefined): ResolvedRestartPolicy {
  return { ...RESTART_DEFAULTS, policy: 'never', ...policy } as ResolvedRestartPolicy;
}

/** What the kernel remembers between restarts of one agent. */
export interface RestartHistory {
  /** Times of recent restarts, for the max-restarts-within-window rule. */
  times: number[];
  /** The delay the next restart waits. */
  nextDelayMs: number;
}

export type RestartDecision =
  | { action: 'stop'; reason: 'policy' | 'requested' | 'clean-exit' | 'shutting-down' }
  | { action: 'give-up'; restarts: number; windowMs: number }
  | { action: 'restart'; delayMs: number };

export interface ExitFacts {
  exitCode: number | null;
  /** The kernel or an operator asked the agent to stop: never restarted. */
  requested: boolean;
  shuttingDown: boolean;
  /** How long the run that just ended lasted. */
  ranMs: number;
  now: number;
}

/**
 * Decides what happens after an agent exits. A run that stayed up for `reset_after_ms` counts as
 * healthy: the backoff starts over and earlier restarts are forgotten.
 */
export function decideRestart(policy: ResolvedRestartPolicy, history: RestartHistory, exit: ExitFacts): RestartDecision {
  if (exit.shuttingDown) return { action: 'stop', reason: 'shutting-down' };
  if (exit.requested) return { action: 'stop', reason: 'requested' };
  if (policy.policy === 'never') return { action: 'stop', reason: 'policy' };
  if (policy.policy === 'on-failure' && exit.exitCode === 0) return { action: 'stop', reason: 'clean-exit' };
  if (exit.ranMs >= policy.reset_after_ms) {
    history.times = [];
    history.nextDelayMs = policy.backoff_initial_ms;
  }
  history.times = history.times.filter((t) => exit.now - t < policy.window_ms);
  if (history.times.length >= policy.max_restarts) return { action: 'give-up', restarts: history.times.length, windowMs: policy.window_ms };
  const delayMs = Math.min(history.nextDelayMs || policy.backoff_initial_ms, policy.backoff_max_ms);
  history.times.push(exit.now);
  history.nextDelayMs = Math.min(delayMs * policy.backoff_factor, policy.backoff_max_ms);
  return { action: 'restart', delayMs };
}
