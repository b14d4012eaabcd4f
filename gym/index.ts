/**
 * `clove/gym`: Gymnasium's loop over Clove worlds. See docs/gym.md.
 *
 * @example
 * import { make, runEpisode } from 'clove/gym';
 * const env = await make('file-repair-v1');
 * const { observation } = await env.reset({ seed: 7 });
 * const step = await env.step({ tool: 'list_dir', args: { path: '/project' } });
 * const record = await runEpisode('file-repair-v1', { agent: 'reference', seed: 7 });
 *
 * @module
 */
import './builtins.js';

export { ScenarioEnv } from './env.js';
export type { Env, EnvOptions, EnvSnapshot, EnvSpecInfo, ResetOptions, ResetResult, ResetInfo, StepResult, StepInfo } from './env.js';
export { make, makeUnwrapped, type MakeOptions } from './make.js';
export { register, registry, Registry, parseEnvId, type EnvSpec } from './registry.js';
export { specFromScenario, specFromPath, gradeScenario } from './builtins.js';
export { Space, type JsonSchema, type RandomSource } from './spaces.js';
export { actionSchema, TOOLS, type ActionHints } from './actions/index.js';
export { observationSchema, type Observation } from './observation.js';
export { Wrapper } from './wrappers/wrapper.js';
export { TimeLimit } from './wrappers/time-limit.js';
export { OrderEnforcing } from './wrappers/order-enforcing.js';
export { PassiveEnvChecker } from './wrappers/passive-checker.js';
export { EpisodeStatistics, type EpisodeStats } from './wrappers/episode-statistics.js';
export { RecordEpisode, TRAJECTORY_FORMAT, type TrajectoryLine, type RecordEpisodeOptions } from './wrappers/record-episode.js';
export { makeVec, type MakeVecOptions } from './vector/make-vec.js';
export { VectorEnv, type AutoresetMode, type VectorResetOptions, type VectorResetResult, type VectorStepResult, type VectorInfo } from './vector/vector-env.js';
export { runEpisode, toolsFromEnv, randomPolicy, referenceAgent, agentRunnerPath, type AgentSpec, type Policy, type RunEpisodeOptions } from './run-episode.js';
export { startEpisodeKernel, type KernelTarget } from './external.js';
export { toolsFromClient, type ClientToolsOptions } from './tools-from-client.js';
export { toolsFromCall, ToolCallError, type ToolOutcome } from './tools-adapter.js';
export { checkEnv, type CheckEnvOptions, type EnvCheck, type EnvCheckReport } from './check-env.js';
export { replay, readTrajectory, type ReplayReport, type ReplayOptions, type Divergence } from './replay.js';
export { GymError, InvalidActionError, ResetNeededError, EnvClosedError, UnknownEnvError, EnvSpecError, RecordError } from './errors.js';
export type { GymScenario, GymInstance, GymPeer, GradeContext, GradeResult, Grader, EpisodeLimits } from './scenario.js';
export { TOOL_NAMES } from './tools.js';
export type { Action, ToolName, ToolArgs, ToolResults, ToolFailure, Task, Tools, ScriptedAgent } from './tools.js';
export type { EpisodeRecord, TerminationReason, EpisodeOutcome, CheckOutcome, RewardBreakdown, EpisodeMetrics } from './episode.js';
