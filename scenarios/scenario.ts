/**
 * The shapes of a scenario: its YAML definition, the loaded `Scenario`, and one seeded
 * `ScenarioInstance`. See docs/scenarios.md for the format.
 */
import type { CheckOutcome, RewardBreakdown } from '../gym/episode.js';
import type { ScriptedAgent, Task, ToolName } from '../gym/tools.js';
import type { World, WorldDefinition } from '../worlds/index.js';
import type { CheckSpec } from './checks/spec.js';

export type { CheckSpec } from './checks/spec.js';

/** Limits of one episode; absent fields mean no limit (the gym may apply its own defaults). */
export interface ScenarioLimits {
  steps?: number;
  virtualTimeMs?: number;
  wallTimeMs?: number;
  tokens?: number;
  syscalls?: number;
}

export interface PenaltySpec {
  id: string;
  /** The id of the check whose failure costs `amount`. */
  check: string;
  amount: number;
  reason?: string;
}

/** `reward:` of scenario.yaml with defaults applied. */
export interface ScenarioReward {
  success: number;
  partial: boolean;
  partialScale: number;
  min: number;
  penalties: PenaltySpec[];
}

export type Difficulty = 'easy' | 'medium' | 'hard';

/** scenario.yaml as written (before templating). */
export interface ScenarioDefinition {
  id: string;
  version: number;
  name: string;
  description?: string;
  task: string;
  data?: Record<string, unknown>;
  world: string | Record<string, unknown>;
  limits?: { steps?: number; virtual_time?: number | string; wall_time?: number | string; tokens?: number; syscalls?: number };
  tools?: ToolName[];
  agents?: string[];
  peers?: Array<{ name: string; module: string; task?: string; data?: Record<string, unknown> }>;
  checks: CheckSpec[];
  reward?: { success?: number; partial?: boolean; partial_scale?: number; min?: number; penalties?: PenaltySpec[] };
  tags?: string[];
  difficulty?: Difficulty;
  generator?: string;
  reference?: string;
  reference_py?: string;
}

/** A loaded scenario. `instantiate(seed)` makes one concrete episode of it. */
export interface Scenario {
  /** `<id>-v<version>`, e.g. `file-repair-v1`. */
  id: string;
  name: string;
  version: number;
  description: string;
  tags: string[];
  difficulty: Difficulty;
  limits: ScenarioLimits;
  reward: ScenarioReward;
  /** The scenario folder (absolute). */
  dir: string;
  /** The scenario.yaml path (absolute). */
  file: string;
  tools: ToolName[];
  /** Agent names; the first is the evaluated agent. */
  agents: string[];
  /** True when a generator varies the instance per seed. */
  seeded: boolean;
  referencePath?: string;
  referencePyPath?: string;
  /** The definition as written (before templating). */
  definition: ScenarioDefinition;
  instantiate(seed: number): Promise<ScenarioInstance>;
}

/** A scripted other agent of a multi-agent episode. Run it as `peer.agent(tools, peer.task)`. */
export interface ScenarioPeer {
  name: string;
  agent: ScriptedAgent;
  task: Task;
}

/** One seeded, concrete episode of a scenario. */
export interface ScenarioInstance {
  scenario: Scenario;
  seed: number;
  task: Task;
  /** Concrete world for this seed (mount paths absolute); create it with `createWorld(world, { seed })`. */
  world: WorldDefinition;
  checks: CheckSpec[];
  peers?: ScenarioPeer[];
  /** What the generator returned for this seed (private: never hand it to the agent). */
  values: Record<string, unknown>;
}

/** What grading reads: the final world and what the episode saw. Provided by the gym. */
export interface GradeContext {
  /** The final world. */
  world: World;
  answer?: unknown;
  submitted: boolean;
  /** Everything the agent printed or sent (stdout, messages), for leak checks. */
  outputs: string[];
  /** Every prompt the agent's THINK calls carried (system and user text). */
  llmPrompts: string[];
  /** Every reply THINK gave, in order (optional; the `llm_called` check's reply_in_file needs it). */
  llmReplies?: string[];
  /** Runs a command in a copy of the final world tree. `cwd` is a world path. */
  exec(command: string, args: string[], cwd?: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export interface GradeResult {
  success: boolean;
  reward: number;
  breakdown: RewardBreakdown;
  checks: CheckOutcome[];
}
