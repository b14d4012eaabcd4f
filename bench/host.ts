/**
 * What the runner needs from below, as a narrow interface the bench declares itself: a catalog
 * of scenarios and a way to run one episode. `gym-host.ts` implements it on gym's `runEpisode`
 * with one shared embedded kernel.
 */
import type { EpisodeRecord } from '../gym/episode.js';
import type { ScenarioCatalog, ScenarioEntry } from './plan.js';
import type { AgentKind, SuiteAgent, SuiteLimits, SuiteSandbox } from './suite.js';

/** One episode to run. */
export interface EpisodeRequest {
  key: string;
  scenario: ScenarioEntry;
  agent: SuiteAgent;
  seed: number;
  repeat: number;
  /** The suite's limits; `wallTimeMs` is at most the suite's per-episode timeout. */
  limits: SuiteLimits;
  sandbox: SuiteSandbox;
  /** Directory relative paths of the agent (command, module) resolve against: the suite file's. */
  baseDir: string;
  /** Where to write the trajectory (JSON lines), when the suite records them. */
  trajectory?: string;
  /** Aborted at the per-episode timeout, or when the run is interrupted. */
  signal: AbortSignal;
}

/** Runs episodes. An agent's failure, crash or timeout comes back as a record; a rejection is a harness failure. */
export interface EpisodeHost {
  readonly catalog: ScenarioCatalog;
  /** Agent kinds this host can run; a suite naming another is refused before anything runs. */
  readonly agentKinds: readonly AgentKind[];
  /** The sandbox backend in force, for the environment block. */
  sandboxDescription(): string;
  run(request: EpisodeRequest): Promise<EpisodeRecord>;
  close(): Promise<void>;
}

/**
 * Error codes the harness (not the agent or the suite) caused: retried, and counted apart. A
 * rejection without a code is treated the same; a coded error of the agent or the gym (a missing
 * script, bad options) is an errored episode, not retried.
 */
export const INFRASTRUCTURE_CODES = /^(SANDBOX|KERNEL|CGROUP|INFRA|HOST|CLIENT_CONNECT|CLIENT_DISCONNECTED)(_|$)/;
