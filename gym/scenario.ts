/**
 * What the gym needs from a scenario: the narrow interface it is built against. `clove/scenarios`'
 * `Scenario` and `ScenarioInstance` satisfy it; tests and users may also hand-write one.
 */
import type { World, WorldDefinition } from '../worlds/index.js';
import type { CheckOutcome, RewardBreakdown } from './episode.js';
import type { ScriptedAgent, Task, ToolName } from './tools.js';

/** Limits of one episode (absent: no limit). */
export interface EpisodeLimits {
  steps?: number;
  virtualTimeMs?: number;
  wallTimeMs?: number;
  tokens?: number;
  syscalls?: number;
}

export interface GymScenario {
  /** Versioned id, `<name>-v<version>`. */
  id: string;
  name: string;
  version: number;
  description: string;
  tags?: string[];
  difficulty?: string;
  limits: EpisodeLimits;
  reward: { success: number; min?: number };
  tools: ToolName[];
  agents: string[];
  seeded: boolean;
  dir?: string;
  referencePath?: string;
  referencePyPath?: string;
  instantiate(seed: number): Promise<GymInstance>;
}

export interface GymPeer {
  name: string;
  agent: ScriptedAgent;
  task: Task;
}

export interface GymInstance {
  scenario: GymScenario;
  seed: number;
  task: Task;
  world: WorldDefinition;
  checks: unknown[];
  /**
   * Failure conditions: checks (graded like `checks`) evaluated on the live world during the
   * episode; once one passes, the episode ends `terminated` with reason `failed_check`.
   */
  failWhen?: unknown[];
  peers?: GymPeer[];
}

/** What grading reads; see CONTRACT.md. */
export interface GradeContext {
  world: World;
  answer?: unknown;
  submitted: boolean;
  outputs: string[];
  llmPrompts: string[];
  llmReplies?: string[];
  exec(command: string, args: string[], cwd?: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export interface GradeResult {
  success: boolean;
  reward: number;
  breakdown: RewardBreakdown;
  checks: CheckOutcome[];
}

/** Grades a final world (scenarios' `grade`). */
export type Grader = (instance: GymInstance, ctx: GradeContext) => Promise<GradeResult>;
