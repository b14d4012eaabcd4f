/**
 * The record of one finished episode: the same shape for an in-process policy and for an external
 * agent process. The bench writes one per episode; reports read them.
 */

/** Why an episode ended. */
export type TerminationReason =
  | 'submitted'
  | 'succeeded'
  | 'failed_check'
  | 'step_limit'
  | 'time_limit'
  | 'wall_limit'
  | 'token_limit'
  | 'syscall_limit'
  | 'agent_exit'
  | 'agent_crash'
  | 'error';

/** `succeeded`/`failed` by the checks; `truncated` at a limit; `errored` when the harness or agent broke. */
export type EpisodeOutcome = 'succeeded' | 'failed' | 'errored' | 'truncated';

export interface CheckOutcome {
  /** The check's id in scenario.yaml (or `<kind>#<index>`). */
  id: string;
  kind: string;
  weight: number;
  passed: boolean;
  /** Why it failed (or what it verified): names the file, route, value expected and found. */
  message: string;
}

/** The failure condition (`fail_when:`) that ended an episode with reason `failed_check`. */
export interface FailedCheck {
  /** The condition's id in scenario.yaml (or `fail:<kind>#<index>`). */
  id: string;
  kind: string;
  /** What the condition found (the check's message: the request, file or value that made it hold). */
  message: string;
}

export interface RewardBreakdown {
  total: number;
  /** The reward for success (scenario `reward.success`) when every required check passed, else 0. */
  success: number;
  /** Partial credit per weighted check. */
  components: { id: string; weight: number; passed: boolean; reward: number }[];
  penalties: { id: string; amount: number; reason: string }[];
}

export interface EpisodeMetrics {
  cpuUserMs: number | null;
  cpuSystemMs: number | null;
  peakMemoryBytes: number | null;
  /** Syscalls (external agents) or tool calls (in-process) by name. */
  syscalls: Record<string, number>;
  httpRequests: number;
  llmCalls: number;
  tokens: { prompt: number; completion: number; total: number };
  bytesRead: number;
  bytesWritten: number;
  eventsFired: number;
  /** Time waiting on rate limits and queues, subtracted from wall time for working time. */
  waitingMs: number;
  exitCode: number | null;
  signal: string | null;
}

export interface EpisodeRecord {
  scenario: string;
  scenarioVersion: number;
  seed: number;
  /** The agent's label ('reference', 'random', a command, a module path, or a suite's agent id). */
  agent: string;
  mode: 'in-process' | 'external';
  outcome: EpisodeOutcome;
  reason: TerminationReason;
  success: boolean;
  reward: number;
  breakdown: RewardBreakdown;
  checks: CheckOutcome[];
  steps: number;
  wallMs: number;
  /** World time elapsed in the episode. */
  virtualMs: number;
  metrics: EpisodeMetrics;
  /** `World.stateHash()` of the final world. */
  worldHash: string;
  answer?: unknown;
  error?: { code: string; message: string };
  /** Set when reason is `failed_check`: the failure condition that held. */
  failedCheck?: FailedCheck;
  /** Path of the trajectory (JSON lines) when one was recorded. */
  trajectory?: string;
  startedAt: string;
}
