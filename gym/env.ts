import { randomInt } from 'node:crypto';
import { MockProvider, type MockProviderOptions } from '../kernel/llm/mock.js';
import { createWorld, decodeSnapshot, World, WorldRandom, type RandomState, type WorldState } from '../worlds/index.js';
import { emptyUsage, TOOLS, ToolFailureError, type ToolContext, type ToolUsage } from './actions/index.js';
import { actionSchema, type ActionHints } from './actions/index.js';
import type { EpisodeMetrics, EpisodeRecord, FailedCheck, TerminationReason } from './episode.js';
import { failedCondition, hasFailConditions } from './fail-conditions.js';
import { EnvClosedError, GymError, InvalidActionError, ResetNeededError, toError } from './errors.js';
import { execInWorld } from './internal/world-exec.js';
import { EpisodeMailroom } from './internal/mailroom.js';
import { buildRecord, TRUNCATING_REASONS } from './record.js';
import { observationSchema, type Observation } from './observation.js';
import type { EpisodeLimits, GradeContext, GradeResult, Grader, GymInstance, GymScenario } from './scenario.js';
import { Space } from './spaces.js';
import { toolsFromCall, type ToolOutcome } from './tools-adapter.js';
import { TOOL_NAMES, type Action, type ToolFailure, type ToolName } from './tools.js';

/** Options of an env (`make(id, options)`); every field is optional. */
export interface EnvOptions {
  /** Run `exec` actions (and grading commands) in the kernel's sandbox backend. Default true. */
  sandbox?: boolean;
  /** Limits that replace the scenario's (per field). */
  limits?: EpisodeLimits;
  /** Grade after every step and terminate with `succeeded` once every required check passes. Default false. */
  gradeEachStep?: boolean;
  /** Replies of the mock LLM behind `think` (default: the kernel's mock). */
  llm?: MockProviderOptions;
  /** Initial snapshots kept per scenario (one per seed). Default 64. */
  snapshotCache?: number;
}

export interface ResetOptions {
  seed?: number;
  options?: Record<string, unknown>;
}

export interface ResetResult<O = Observation> {
  observation: O;
  info: ResetInfo;
}

export interface ResetInfo {
  seed: number;
  scenario: string;
  [key: string]: unknown;
}

export interface StepInfo {
  step: number;
  tool: ToolName;
  /** World time elapsed since reset (ms). */
  elapsedMs: number;
  /** Set once the episode ended. */
  reason?: TerminationReason;
  /** The finished episode's record (reward breakdown, checks, metrics), on the last step. */
  record?: EpisodeRecord;
  [key: string]: unknown;
}

export interface StepResult<O = Observation> {
  observation: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

/** The spec an env carries (Gymnasium's EnvSpec). */
export interface EnvSpecInfo {
  id: string;
  version: number;
  limits: EpisodeLimits;
  rewardRange: [number, number];
  maxEpisodeSteps?: number;
  description: string;
}

/** The Env interface (Gymnasium's): wrappers and vector envs implement it too. */
export interface Env<O = Observation, A = Action> {
  readonly spec: EnvSpecInfo;
  readonly actionSpace: Space<A>;
  readonly observationSpace: Space<O>;
  reset(options?: ResetOptions): Promise<ResetResult<O>>;
  step(action: A): Promise<StepResult<O>>;
  close(): Promise<void>;
  /** The innermost env (wrappers delegate). */
  readonly unwrapped: ScenarioEnv;
}

/** Saved mid-episode state of an env: `env.restore(snapshot)` returns to it. */
export interface EnvSnapshot {
  world: Buffer;
  episode: Omit<EpisodeCore, 'instance'>;
  seed: number;
  /**
   * Episodes with scripted peers: the actions since reset. The peers are running functions, so
   * their state is re-created by replaying these actions from the seed's initial world (the same
   * seed and actions give the same world: the gym's determinism rule), not copied.
   */
  actions?: Action[];
}

interface EpisodeCore {
  seed: number;
  instance: GymInstance;
  steps: number;
  usage: ToolUsage;
  outputs: string[];
  prompts: string[];
  replies: string[];
  submitted: boolean;
  answer: unknown;
  /** The failure condition that ended the episode (reason failed_check). */
  failedCheck: FailedCheck | null;
  wallStart: number;
  wallBefore: number;
  virtualStart: number;
  cpuStart: NodeJS.CpuUsage;
  timelineStart: number;
  startedAt: string;
}

interface Episode extends EpisodeCore {
  /** The agent's actions since reset (kept for episodes with peers: fork and restore replay them). */
  actions: Action[] | null;
  /** A fresh mock per episode: its scripted replies start over on reset. */
  llm: MockProvider;
  world: World;
  mail: EpisodeMailroom;
  peers: Promise<void>[];
  peerErrors: string[];
  stopped: boolean;
  done: EpisodeRecord | null;
}

interface Cached {
  instance: GymInstance;
  bytes: Buffer;
  /** The snapshot decoded once: reset builds the world from it without decoding 10 MB again. */
  state: WorldState;
}

const SEED_MAX = 2 ** 31 - 1;
const caches = new WeakMap<GymScenario, Map<number, Promise<Cached>>>();

/** The instance and initial world snapshot of a seed, built once and shared by every env of the scenario. */
export function cachedInitial(scenario: GymScenario, seed: number, limit: number): Promise<Cached> {
  let cache = caches.get(scenario);
  if (!cache) caches.set(scenario, (cache = new Map()));
  const hit = cache.get(seed);
  if (hit) {
    cache.delete(seed);
    cache.set(seed, hit);
    return hit;
  }
  const built = (async () => {
    const instance = await scenario.instantiate(seed);
    const world = createWorld(instance.world, { seed, name: worldName(scenario, seed) });
    const bytes = world.snapshot();
    world.close();
    return { instance, bytes, state: decodeSnapshot(bytes) };
  })();
  built.catch(() => cache.delete(seed));
  cache.set(seed, built);
  while (cache.size > limit) cache.delete(cache.keys().next().value!);
  return built;
}

function worldName(scenario: GymScenario, seed: number): string {
  return `${scenario.id}-s${seed}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
}

function failureOf(error: unknown): ToolFailure {
  if (error instanceof ToolFailureError) return error.toFailure();
  const e = toError(error) as Error & { code?: unknown };
  return { code: typeof e.code === 'string' ? e.code : 'TOOL_FAILED', message: e.message };
}

function limitReason(limits: EpisodeLimits, ep: Episode, now: number): TerminationReason | null {
  if (limits.steps !== undefined && ep.steps >= limits.steps) return 'step_limit';
  if (limits.syscalls !== undefined && ep.steps >= limits.syscalls) return 'syscall_limit';
  if (limits.tokens !== undefined && ep.usage.promptTokens + ep.usage.completionTokens >= limits.tokens) return 'token_limit';
  if (limits.virtualTimeMs !== undefined && ep.world.now() - ep.virtualStart >= limits.virtualTimeMs) return 'time_limit';
  if (limits.wallTimeMs !== undefined && now - ep.wallStart >= limits.wallTimeMs) return 'wall_limit';
  return null;
}

const TRUNCATING = TRUNCATING_REASONS;

/**
 * One scenario as a Gymnasium-style environment over a Clove world. `reset` restores the seed's
 * initial snapshot (built once per seed); `step` performs one tool call in the world.
 *
 * @example
 * const env = await make('file-repair-v1');
 * let { observation } = await env.reset({ seed: 7 });
 * const r = await env.step({ tool: 'read_file', args: { path: '/project/README.md' } });
 * await env.close();
 */
export class ScenarioEnv implements Env {
  readonly spec: EnvSpecInfo;
  readonly scenario: GymScenario;
  readonly actionSpace: Space<Action>;
  readonly observationSpace: Space<Observation>;
  readonly #grade: Grader;
  readonly #options: EnvOptions;
  readonly #limits: EpisodeLimits;
  #seeds: WorldRandom | null = null;
  #sampler: WorldRandom = new WorldRandom(`sample:${randomInt(SEED_MAX)}`);
  #episode: Episode | null = null;
  #closed = false;
  readonly #argSpaces = new Map<ToolName, Space>();
  /** The agent label records carry (runEpisode sets it). */
  label = 'policy';

  constructor(scenario: GymScenario, grade: Grader, options: EnvOptions = {}, spec?: Partial<EnvSpecInfo>, hints: ActionHints = {}) {
    this.scenario = scenario;
    this.#grade = grade;
    this.#options = options;
    this.#limits = { ...scenario.limits, ...options.limits };
    this.spec = {
      id: scenario.id,
      version: scenario.version,
      limits: this.#limits,
      rewardRange: [scenario.reward.min ?? 0, scenario.reward.success],
      description: scenario.description,
      ...spec,
    };
    this.actionSpace = new Space<Action>(actionSchema(scenario.tools, { agents: scenario.agents.slice(1), ...hints }));
    this.observationSpace = new Space<Observation>(observationSchema());
    for (const name of TOOL_NAMES) if (scenario.tools.includes(name)) this.#argSpaces.set(name, new Space(TOOLS[name].args));
  }

  get unwrapped(): ScenarioEnv {
    return this;
  }

  /** The sampling random source (seeded by reset's seed): `env.actionSpace.sample(env.random)`. */
  get random(): WorldRandom {
    return this.#sampler;
  }

  /** The world of the current episode. */
  get world(): World {
    return this.#current('world').world;
  }

  get instance(): GymInstance {
    return this.#current('instance').instance;
  }

  /** The record of the episode that just ended, or null while one runs. */
  get record(): EpisodeRecord | null {
    return this.#episode?.done ?? null;
  }

  get steps(): number {
    return this.#episode?.steps ?? 0;
  }

  /** `World.stateHash()` of the current world. */
  stateHash(): string {
    return this.#current('stateHash()').world.stateHash();
  }

  async reset(options: ResetOptions = {}): Promise<ResetResult> {
    if (this.#closed) throw new EnvClosedError(this.spec.id);
    const given = options.seed;
    if (given !== undefined && !(Number.isInteger(given) && given >= 0 && given <= SEED_MAX)) {
      throw new InvalidActionError('seed', `must be an integer 0..${SEED_MAX}`, given);
    }
    let seed: number;
    if (given !== undefined) {
      this.#seeds = new WorldRandom(`seeds:${given}`);
      this.#sampler = new WorldRandom(`sample:${given}`);
      seed = given;
    } else {
      this.#seeds ??= new WorldRandom(`seeds:${randomInt(SEED_MAX)}`);
      seed = this.#seeds.int(0, SEED_MAX);
    }
    const cached = await this.#begin(seed);
    return { observation: { type: 'task', task: cached.instance.task, time: this.#episode!.world.now() }, info: { seed, scenario: this.spec.id } };
  }

  /** Starts the seed's episode from its initial world (no change to the seed sequence or sampler). */
  async #begin(seed: number): Promise<Cached> {
    const cached = await cachedInitial(this.scenario, seed, this.#options.snapshotCache ?? 64);
    this.#stopEpisode();
    this.#episode?.world.close();
    // A new world from the decoded initial state (file contents are shared, read-only views).
    const world = World.fromState(cached.state);
    this.#episode = this.#newEpisode(seed, cached.instance, world);
    await this.#startPeers(this.#episode);
    return cached;
  }

  /**
   * Re-creates an episode with peers by replaying its actions from the seed's initial world, and
   * verifies it arrived at the same world (else GYM_FORK_DIVERGED: the scenario is not deterministic).
   */
  async #replay(seed: number, actions: readonly Action[], expectedHash: string | null): Promise<void> {
    await this.#begin(seed);
    for (const action of actions) {
      if (this.#episode!.done) break;
      await this.step(structuredClone(action));
    }
    const hash = this.#episode!.world.stateHash();
    if (expectedHash !== null && hash !== expectedHash) {
      throw new GymError('GYM_FORK_DIVERGED', `${this.spec.id} (seed ${seed}): replaying ${actions.length} action(s) to re-create the scripted peers gave world ${hash.slice(0, 12)}, not ${expectedHash.slice(0, 12)}; the scenario or its peers are not deterministic (check with clove gym check)`);
    }
  }

  async step(action: Action): Promise<StepResult> {
    if (this.#closed) throw new EnvClosedError(this.spec.id);
    const ep = this.#episode;
    if (!ep) throw new ResetNeededError(`step() on ${this.spec.id} before reset()`);
    if (ep.done) throw new ResetNeededError(`the episode of ${this.spec.id} (seed ${ep.seed}) ended (${ep.done.reason})`);
    this.validate(action);
    ep.actions?.push(structuredClone(action));
    ep.steps++;
    ep.usage.calls[action.tool] = (ep.usage.calls[action.tool] ?? 0) + 1;
    const outcome = await this.#run(ep, this.#agentContext(ep), action);
    if (ep.mail.hasPeers) await ep.mail.settle();
    const observation: Observation = outcome.ok
      ? ({ type: 'result', tool: action.tool, result: outcome.result, time: ep.world.now() } as Observation)
      : { type: 'failure', tool: action.tool, error: outcome.error, time: ep.world.now() };
    let reason: TerminationReason | null = null;
    if (hasFailConditions(ep.instance)) {
      ep.failedCheck = await failedCondition(this.#grade, ep.instance, this.#gradeContext(ep)).catch(() => null);
      if (ep.failedCheck) reason = 'failed_check';
    }
    if (!reason && ep.submitted) reason = 'submitted';
    let graded: GradeResult | undefined;
    if (!reason && this.#options.gradeEachStep) {
      graded = await this.#gradeSafely(ep);
      if (graded.success) reason = 'succeeded';
    }
    reason ??= limitReason(this.#limits, ep, performance.now());
    const info: StepInfo = { step: ep.steps, tool: action.tool, elapsedMs: ep.world.now() - ep.virtualStart };
    if (!reason) return { observation, reward: 0, terminated: false, truncated: false, info };
    const record = await this.#finish(ep, reason, graded);
    info.reason = reason;
    info.record = record;
    return { observation, reward: record.reward, terminated: !TRUNCATING.has(reason), truncated: TRUNCATING.has(reason), info };
  }

  /** Throws `InvalidActionError` naming the field when the action is not in the action space. */
  validate(action: unknown): asserts action is Action {
    if (action === null || typeof action !== 'object' || Array.isArray(action)) throw new InvalidActionError('', 'must be an object { tool, args }', action);
    const { tool, args, ...rest } = action as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw new InvalidActionError(`/${extra}`, 'is not an allowed property (an action has only tool and args)', rest[extra]);
    const space = typeof tool === 'string' ? this.#argSpaces.get(tool as ToolName) : undefined;
    if (!space) throw new InvalidActionError('/tool', `must be one of ${JSON.stringify([...this.#argSpaces.keys()])} (the tools of ${this.spec.id})`, tool);
    const issue = space.check(args);
    if (issue) throw new InvalidActionError(`/args${issue.field}`, issue.expected, issue.received);
  }

  /** Ends the episode now (an external driver: agent exit, crash, harness error) and grades it. */
  async end(reason: TerminationReason, error?: { code: string; message: string }): Promise<EpisodeRecord> {
    const ep = this.#current('end()');
    if (ep.done) return ep.done;
    return this.#finish(ep, reason, undefined, error);
  }

  /** n independent envs continuing from the current state (the world is copied, not re-encoded). */
  async fork(n: number): Promise<ScenarioEnv[]> {
    if (!Number.isInteger(n) || n < 1) throw new GymError('GYM_FORK_INVALID', `fork(n): n must be a positive integer, got ${String(n)}`);
    const ep = this.#current('fork()');
    if (ep.actions) {
      // Scripted peers are running functions: each fork re-creates them by replaying the actions.
      const hash = ep.world.stateHash();
      const out: ScenarioEnv[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const env = new ScenarioEnv(this.scenario, this.#grade, this.#options, this.spec);
          env.label = this.label;
          out.push(env);
          await env.#replay(ep.seed, ep.actions, hash);
          env.#seeds = this.#seeds ? WorldRandom.fromState(this.#seeds.state() as RandomState) : null;
          env.#sampler = WorldRandom.fromState(this.#sampler.state());
        }
      } catch (error) {
        await Promise.all(out.map((e) => e.close()));
        throw error;
      }
      return out;
    }
    const out: ScenarioEnv[] = [];
    for (let i = 0; i < n; i++) {
      const env = new ScenarioEnv(this.scenario, this.#grade, this.#options, this.spec);
      env.#adopt(this, ep.world.fork(ep.world.name));
      out.push(env);
    }
    return out;
  }

  /** The current state (world bytes and episode counters), for `restore`. */
  snapshot(): EnvSnapshot {
    const ep = this.#current('snapshot()');
    const { world, llm: _l, mail: _m, peers: _p, peerErrors: _e, stopped: _s, done: _d, instance: _i, actions, ...core } = ep;
    return { world: world.snapshot(), episode: structuredClone(core), seed: ep.seed, ...(actions ? { actions: structuredClone(actions) } : {}) };
  }

  /** Returns to a state saved by `snapshot()` (of this env or one of the same scenario). */
  async restore(snapshot: EnvSnapshot): Promise<void> {
    if (this.#closed) throw new EnvClosedError(this.spec.id);
    if (snapshot.actions) {
      // Peers re-created by replay; the saved world's hash is what the replay must reach.
      const saved = World.restore(snapshot.world);
      const hash = saved.stateHash();
      saved.close();
      await this.#replay(snapshot.seed, snapshot.actions, hash);
      return;
    }
    const cached = await cachedInitial(this.scenario, snapshot.seed, this.#options.snapshotCache ?? 64);
    this.#stopEpisode();
    const world = this.#episode?.world;
    if (world && world.name === worldName(this.scenario, snapshot.seed)) world.restoreFrom(snapshot.world);
    else {
      world?.close();
    }
    const live = world && world.name === worldName(this.scenario, snapshot.seed) ? world : World.restore(snapshot.world);
    this.#episode = { ...this.#newEpisode(snapshot.seed, cached.instance, live), ...structuredClone(snapshot.episode) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopEpisode();
    this.#episode?.world.close();
  }

  /** Tool context of an agent of the current episode (in-process peers and toolsFromEnv use it). */
  #agentContext(ep: Episode, agent = ep.instance.task.agent): ToolContext {
    return {
      world: ep.world,
      agent,
      mail: ep.mail,
      usage: ep.usage,
      outputs: ep.outputs,
      think: async (prompt, system) => {
        const messages = [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content: prompt }];
        ep.prompts.push(...messages.map((m) => m.content));
        const result = await ep.llm.complete({ messages });
        ep.replies.push(result.content);
        return { content: result.content, promptTokens: result.usage.prompt_tokens, completionTokens: result.usage.completion_tokens };
      },
      exec: (request) => execInWorld(ep.world, request, { sandbox: this.#options.sandbox !== false }),
      submit: (answer) => {
        if (agent !== ep.instance.task.agent) return;
        ep.submitted = true;
        ep.answer = answer;
      },
    };
  }

  async #run(ep: Episode, ctx: ToolContext, action: Action): Promise<ToolOutcome> {
    try {
      const handler = TOOLS[action.tool] as (typeof TOOLS)[ToolName];
      const result = await (handler.run as (c: ToolContext, a: unknown) => Promise<unknown>)(ctx, action.args);
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error: failureOf(error) };
    }
  }

  #newEpisode(seed: number, instance: GymInstance, world: World): Episode {
    const peers = (instance.peers ?? []).map((p) => p.name);
    return {
      actions: peers.length > 0 ? [] : null,
      seed,
      instance,
      world,
      mail: new EpisodeMailroom(world, [instance.task.agent], peers),
      llm: new MockProvider(this.#options.llm),
      peers: [],
      peerErrors: [],
      stopped: false,
      done: null,
      steps: 0,
      usage: emptyUsage(),
      outputs: [],
      prompts: [],
      replies: [],
      submitted: false,
      answer: undefined,
      failedCheck: null,
      wallStart: performance.now(),
      wallBefore: 0,
      virtualStart: world.now(),
      cpuStart: process.cpuUsage(),
      timelineStart: world.timeline.length,
      startedAt: new Date().toISOString(),
    };
  }

  async #startPeers(ep: Episode): Promise<void> {
    for (const peer of ep.instance.peers ?? []) {
      const ctx = this.#agentContext(ep, peer.name);
      // Sleeping counts as waiting for settle(); the clock knows it from the agent option.
      const peerCtx: ToolContext = {
        ...ctx,
        world: ep.world,
      };
      const sleepy = async (action: Action): Promise<ToolOutcome> => {
        ep.mail.blocked(peer.name, true);
        try {
          return await this.#run(ep, peerCtx, action);
        } finally {
          ep.mail.blocked(peer.name, false);
        }
      };
      const tools = toolsFromCall(
        async (action) => {
          if (ep.stopped) return { ok: false, error: { code: 'EPISODE_ENDED', message: 'the episode ended' } };
          return action.tool === 'sleep' || action.tool === 'http' ? sleepy(action) : this.#run(ep, peerCtx, action);
        },
        async () => ep.world.now(),
      );
      ep.peers.push(
        Promise.resolve()
          .then(() => peer.agent(tools, peer.task))
          .catch((error: unknown) => {
            if (!ep.stopped) ep.peerErrors.push(`${peer.name}: ${toError(error).message}`);
          })
          .finally(() => ep.mail.peerDone(peer.name)),
      );
    }
    if (ep.mail.hasPeers) await ep.mail.settle();
  }

  #stopEpisode(): void {
    const ep = this.#episode;
    if (!ep) return;
    ep.stopped = true;
    ep.mail.close();
  }

  #adopt(from: ScenarioEnv, world: World): void {
    const ep = from.#current('fork()');
    this.#seeds = from.#seeds ? WorldRandom.fromState(from.#seeds.state() as RandomState) : null;
    this.#sampler = WorldRandom.fromState(from.#sampler.state());
    const { world: _w, llm: _l, mail: _m, peers: _p, peerErrors: _e, stopped: _s, done, instance, actions: _a, ...core } = ep;
    this.#episode = { ...this.#newEpisode(ep.seed, instance, world), ...structuredClone(core), done: done ? structuredClone(done) : null };
  }

  #current(what: string): Episode {
    if (this.#closed) throw new EnvClosedError(this.spec.id);
    if (!this.#episode) throw new ResetNeededError(`${what} on ${this.spec.id} before reset()`);
    return this.#episode;
  }

  async #gradeSafely(ep: Episode): Promise<GradeResult> {
    return this.#grade(ep.instance, this.#gradeContext(ep));
  }

  #gradeContext(ep: Episode): GradeContext {
    return {
      world: ep.world,
      answer: ep.answer,
      submitted: ep.submitted,
      outputs: ep.outputs,
      llmPrompts: ep.prompts,
      llmReplies: ep.replies,
      exec: async (command, args, cwd) => {
        const r = await execInWorld(ep.world, { command, args, cwd: cwd ?? '/', timeoutMs: 60_000 }, { sandbox: this.#options.sandbox !== false, sync: false });
        return { exitCode: r.exit_code, stdout: r.stdout, stderr: r.stderr };
      },
    };
  }

  async #finish(ep: Episode, reason: TerminationReason, graded?: GradeResult, error?: { code: string; message: string }): Promise<EpisodeRecord> {
    let grade: GradeResult | undefined = graded;
    let failure = error;
    if (!grade) {
      try {
        grade = await this.#gradeSafely(ep);
      } catch (e) {
        const err = toError(e) as Error & { code?: string };
        failure ??= { code: err.code ?? 'GYM_GRADE_FAILED', message: `grading failed: ${err.message}` };
        reason = 'error';
      }
    }
    if (!failure && ep.peerErrors.length > 0) failure = { code: 'GYM_PEER_FAILED', message: ep.peerErrors.join('; ') };
    const cpu = process.cpuUsage(ep.cpuStart);
    const metrics: EpisodeMetrics = {
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      peakMemoryBytes: null,
      syscalls: { ...ep.usage.calls },
      httpRequests: ep.usage.httpRequests,
      llmCalls: ep.usage.llmCalls,
      tokens: { prompt: ep.usage.promptTokens, completion: ep.usage.completionTokens, total: ep.usage.promptTokens + ep.usage.completionTokens },
      bytesRead: ep.usage.bytesRead,
      bytesWritten: ep.usage.bytesWritten,
      eventsFired: Math.max(0, ep.world.timeline.length - ep.timelineStart),
      waitingMs: 0,
      exitCode: null,
      signal: null,
    };
    const record = buildRecord({
      scenario: this.scenario,
      seed: ep.seed,
      agent: this.label,
      mode: 'in-process',
      reason,
      grade,
      error: failure,
      failedCheck: ep.failedCheck ?? undefined,
      steps: ep.steps,
      wallMs: performance.now() - ep.wallStart,
      virtualMs: ep.world.now() - ep.virtualStart,
      metrics,
      worldHash: ep.world.stateHash(),
      submitted: ep.submitted,
      answer: ep.answer,
      startedAt: ep.startedAt,
    });
    ep.done = record;
    this.#stopEpisode();
    return record;
  }
}
