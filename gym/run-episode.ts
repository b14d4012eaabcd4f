import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importScenarioModule } from '../scenarios/module.js';
import type { KernelHandle } from '../kernel/index.js';
import type { Env, EnvOptions, ScenarioEnv, StepInfo } from './env.js';
import type { EpisodeRecord } from './episode.js';
import { GymError, InvalidActionError, ResetNeededError, toError } from './errors.js';
import { runExternalEpisode } from './external.js';
import { makeUnwrapped, scenarioOf } from './make.js';
import type { Observation } from './observation.js';
import { registry, type EnvSpec } from './registry.js';
import type { GymScenario } from './scenario.js';
import { toolsFromCall } from './tools-adapter.js';
import type { Action, ScriptedAgent, Tools } from './tools.js';
import { RecordEpisode } from './wrappers/record-episode.js';
import { TimeLimit } from './wrappers/time-limit.js';
import type { EpisodeLimits } from './scenario.js';

/** An in-process policy: Gymnasium's loop, one action per observation. */
export type Policy = (observation: Observation, info: Record<string, unknown>) => Action | Promise<Action>;

/** Who acts in an episode. */
export type AgentSpec =
  | { kind: 'policy'; policy: Policy; label?: string }
  | { kind: 'scripted'; agent: ScriptedAgent; label?: string }
  | { kind: 'command'; command: string[]; env?: Record<string, string>; label?: string }
  | { kind: 'module'; path: string; export?: string; label?: string }
  | 'reference'
  | 'random';

export interface RunEpisodeOptions {
  agent: AgentSpec;
  seed: number;
  /** External agents: run sandboxed (namespaces, cgroup, unprivileged uid). Default false. */
  sandbox?: boolean;
  /** Replace the scenario's limits (per field). */
  limits?: EpisodeLimits;
  /** External agents: a kernel started in this process (shared by many episodes). */
  kernel?: KernelHandle;
  /** External agents: a running kernel by socket. Neither: an embedded kernel for this episode. */
  socketPath?: string;
  /** Record the trajectory (in-process agents) to this JSON-lines file. */
  record?: string;
  /** Append to `record` instead of starting it afresh. Default false. */
  recordAppend?: boolean;
  signal?: AbortSignal;
  /** 'reference' runs in-process (default) or as an external process (`external`). */
  referenceMode?: 'in-process' | 'external';
  /** Env options for in-process agents (exec sandbox, llm). */
  env?: EnvOptions;
}

/** The compiled agent runner: spawned for module agents (`agent-runner.js MODULE`). */
export function agentRunnerPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const js = join(here, 'agent-runner.js');
  return existsSync(js) ? js : join(here, 'agent-runner.ts');
}

async function resolveSpec(scenarioOrId: string | EnvSpec | GymScenario): Promise<{ spec: EnvSpec; scenario: GymScenario }> {
  if (typeof scenarioOrId === 'string') {
    const spec = await registry.lookup(scenarioOrId);
    return { spec, scenario: await scenarioOf(spec) };
  }
  if ('grade' in scenarioOrId && 'scenario' in scenarioOrId) return { spec: scenarioOrId, scenario: await scenarioOf(scenarioOrId) };
  const spec = await registry.lookup(scenarioOrId.id);
  return { spec, scenario: await scenarioOf(spec) };
}

/** The scripted reference agent of a spec: `spec.reference`, else the scenario's reference module. */
export async function referenceAgent(spec: EnvSpec, scenario: GymScenario): Promise<ScriptedAgent> {
  if (spec.reference) return spec.reference;
  const path = referenceModule(scenario);
  const mod = await importScenarioModule(path);
  if (typeof mod.default !== 'function') throw new GymError('GYM_REFERENCE_INVALID', `${path} has no default export that is a ScriptedAgent`);
  return mod.default as ScriptedAgent;
}

/** Path of the scenario's reference module. */
export function referenceModule(scenario: GymScenario): string {
  const path = scenario.referencePath;
  if (!path) throw new GymError('GYM_NO_REFERENCE', `${scenario.id} has no reference agent (reference.ts in its folder)`);
  return path;
}

/** Tools over an env's step(): what a ScriptedAgent calls in-process. */
export function toolsFromEnv(env: Env): Tools {
  return toolsFromCall(
    async (action) => {
      const { observation } = await env.step(action);
      if (observation.type === 'failure') return { ok: false, error: observation.error };
      if (observation.type === 'result') return { ok: true, result: observation.result };
      return { ok: false, error: { code: 'GYM_UNEXPECTED', message: 'step returned a task observation' } };
    },
    async () => env.unwrapped.world.now(),
  );
}

/** A random agent: samples the action space with the env's seeded sampler. */
export function randomPolicy(env: Env): Policy {
  return () => env.actionSpace.sample(env.unwrapped.random);
}

function labelOf(agent: AgentSpec): string {
  if (agent === 'reference' || agent === 'random') return agent;
  if (agent.label) return agent.label;
  switch (agent.kind) {
    case 'policy':
      return 'policy';
    case 'scripted':
      return 'scripted';
    case 'command':
      return agent.command.join(' ');
    case 'module':
      return agent.path;
  }
}

/**
 * Runs one episode and returns its record: in-process for policies, scripted agents, `reference`
 * and `random`; as a real process (through a kernel, optionally sandboxed) for commands and modules.
 * A failed episode is data in the record, never an exception (bad options still throw).
 *
 * @example
 * const record = await runEpisode('file-repair-v1', { agent: 'reference', seed: 3 });
 * const ext = await runEpisode('file-repair-v1', { agent: { kind: 'command', command: ['python3', 'agent.py'] }, seed: 3, sandbox: true });
 */
export async function runEpisode(scenarioOrId: string | EnvSpec | GymScenario, options: RunEpisodeOptions): Promise<EpisodeRecord> {
  const { spec, scenario } = await resolveSpec(scenarioOrId);
  const agent = options.agent;
  const label = labelOf(agent);
  const limits = { ...scenario.limits, ...options.limits };
  const external = (agent !== 'reference' && agent !== 'random' && (agent.kind === 'command' || agent.kind === 'module')) || (agent === 'reference' && options.referenceMode === 'external');
  if (external) {
    let command: string[];
    let env: Record<string, string> | undefined;
    if (typeof agent === 'string') command = [agentRunnerPath(), resolve(referenceModule(scenario))];
    else if (agent.kind === 'module') command = [agentRunnerPath(), resolve(agent.path), ...(agent.export ? [agent.export] : [])];
    else if (agent.kind === 'command') {
      command = agent.command;
      env = agent.env;
    } else throw new GymError('GYM_AGENT_INVALID', 'only command and module agents run as a process');
    return runExternalEpisode({
      scenario,
      grade: spec.grade,
      seed: options.seed,
      command,
      ...(env ? { env } : {}),
      label,
      sandbox: options.sandbox ?? false,
      limits,
      ...(options.kernel ? { kernel: options.kernel } : {}),
      ...(options.socketPath ? { socketPath: options.socketPath } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  const unwrapped = await makeUnwrapped(spec, { ...options.env, limits, ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}) });
  unwrapped.label = label;
  let env: Env = unwrapped;
  if (spec.maxEpisodeSteps !== undefined) env = new TimeLimit(env, spec.maxEpisodeSteps);
  if (options.record) env = new RecordEpisode(env, options.record, { envOptions: { ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}), limits }, ...(spec.source ? { source: spec.source } : {}), truncate: options.recordAppend !== true });
  try {
    const { observation, info } = await env.reset({ seed: options.seed });
    if (agent === 'random' || (agent !== 'reference' && agent.kind === 'policy')) {
      const policy = agent === 'random' ? randomPolicy(env) : agent.policy;
      return await runPolicy(env, unwrapped, policy, observation, info, options.signal);
    }
    if (agent !== 'reference' && agent.kind !== 'scripted') throw new GymError('GYM_AGENT_INVALID', `agent kind ${agent.kind} does not run in-process`);
    const scripted = agent === 'reference' ? await referenceAgent(spec, scenario) : agent.agent;
    return await runScripted(env, unwrapped, scripted, options.signal);
  } finally {
    await env.close();
  }
}

async function runPolicy(env: Env, unwrapped: ScenarioEnv, policy: Policy, first: Observation, firstInfo: Record<string, unknown>, signal?: AbortSignal): Promise<EpisodeRecord> {
  let observation = first;
  let info: Record<string, unknown> | StepInfo = firstInfo;
  for (;;) {
    if (signal?.aborted) return unwrapped.end('error', { code: 'GYM_ABORTED', message: 'the episode was aborted (signal)' });
    let action: Action;
    try {
      action = await policy(observation, info);
      const result = await env.step(action);
      observation = result.observation;
      info = result.info;
      if (result.info.record) return result.info.record;
    } catch (error) {
      const e = toError(error) as Error & { code?: string };
      if (unwrapped.record) return unwrapped.record;
      return unwrapped.end(error instanceof InvalidActionError ? 'error' : 'agent_crash', { code: e.code ?? 'GYM_POLICY_FAILED', message: e.message });
    }
  }
}

async function runScripted(env: Env, unwrapped: ScenarioEnv, agent: ScriptedAgent, signal?: AbortSignal): Promise<EpisodeRecord> {
  const task = unwrapped.instance.task;
  const tools = toolsFromEnv(env);
  try {
    if (signal?.aborted) throw new GymError('GYM_ABORTED', 'the episode was aborted (signal)');
    await agent(tools, task);
  } catch (error) {
    // The episode ended under the agent (submit, a limit): its next call found it finished.
    if (unwrapped.record) return unwrapped.record;
    const e = toError(error) as Error & { code?: string };
    if (error instanceof ResetNeededError) return unwrapped.end('error', { code: e.code ?? 'GYM_ERROR', message: e.message });
    return unwrapped.end(error instanceof InvalidActionError ? 'error' : 'agent_crash', { code: e.code ?? 'GYM_AGENT_FAILED', message: e.message });
  }
  return unwrapped.record ?? unwrapped.end('agent_exit');
}
