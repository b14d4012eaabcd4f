import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kernel, KernelHandle } from '../kernel/index.js';
import type { Kernel as KernelInternals } from '../kernel/kernel.js';
import { startKernel } from '../kernel/index.js';
import { connect, type CloveClient } from '../sdk/client.js';
import { GYM_SUBMIT_EVENT } from '../sdk/gym.js';
import { CloveError } from '../sdk/errors.js';
import { ClientErrorCode } from '../sdk/protocol/error-codes.js';
import type { AgentRecord, KernelEvent } from '../sdk/api-types.js';
import { messageText, World } from '../worlds/index.js';
import { cachedInitial } from './env.js';
import type { EpisodeMetrics, EpisodeRecord, FailedCheck, TerminationReason } from './episode.js';
import { failedCondition, hasFailConditions } from './fail-conditions.js';
import { GymError, toError } from './errors.js';
import { execInWorld } from './internal/world-exec.js';
import { ProcessSampler } from './internal/process-sampler.js';
import { buildRecord } from './record.js';
import type { EpisodeLimits, GradeContext, GradeResult, Grader, GymScenario } from './scenario.js';

/** How to reach a kernel for external episodes. */
export interface KernelTarget {
  /** A kernel running in this process (`startKernel()`): gives per-syscall metrics and THINK prompts. */
  kernel?: KernelHandle;
  /** A running kernel by socket (operator token from the file next to it, or `token`). */
  socketPath?: string;
  token?: string;
}

export interface ExternalEpisode extends KernelTarget {
  scenario: GymScenario;
  grade: Grader;
  seed: number;
  /** Script (any executable, .py, .js, .ts) and its arguments. */
  command: string[];
  env?: Record<string, string>;
  label: string;
  sandbox: boolean;
  limits: EpisodeLimits;
  signal?: AbortSignal;
}

/** Per in-process kernel: the agents of running episodes and what they called. */
interface Watch {
  calls: Record<string, number>;
  prompts: string[];
  bytesWritten: number;
  /** Told after each of the agent's calls (limits, failure conditions). */
  onCall: ((op: string) => void) | null;
}
const watched = new WeakMap<Kernel, Map<number, Watch>>();

function watchKernel(kernel: Kernel): Map<number, Watch> {
  let map = watched.get(kernel);
  if (!map) {
    const agents = new Map<number, Watch>();
    map = agents;
    watched.set(kernel, agents);
    kernel.observe(({ caller, op, args }) => {
      if (caller.role !== 'agent') return;
      const w = agents.get(caller.agent.id);
      if (!w) return;
      w.calls[op] = (w.calls[op] ?? 0) + 1;
      const a = (args ?? {}) as Record<string, unknown>;
      if (op === 'THINK') {
        if (typeof a.system === 'string') w.prompts.push(a.system);
        if (typeof a.prompt === 'string') w.prompts.push(a.prompt);
        if (Array.isArray(a.messages)) for (const m of a.messages as Array<{ content?: unknown }>) if (typeof m?.content === 'string') w.prompts.push(m.content);
      }
      if (op === 'WRITE' && typeof a.content === 'string') w.bytesWritten += Buffer.byteLength(a.content);
      w.onCall?.(op);
    });
  }
  return map;
}

function countCalls(calls: Record<string, number>): number {
  return Object.entries(calls).reduce((n, [op, c]) => (op === 'HELLO' ? n : n + c), 0);
}

/** Starts a kernel in this process for gym episodes (its own socket and state directory). */
export async function startEpisodeKernel(options: { sandbox?: boolean } = {}): Promise<KernelHandle & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'clove-gym-kernel-'));
  const handle = await startKernel({ socketPath: join(dir, 'kernel.sock'), stateDir: dir, auditLog: false, ...(options.sandbox === false ? { sandbox: false } : {}) });
  return {
    ...handle,
    dir,
    close: async () => {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The kernel this process started (`startKernel`), beyond its public interface: an episode on an
 * in-process kernel moves its world in and out directly and reads its agents' usage.
 */
function internals(kernel: Kernel): KernelInternals {
  return kernel as unknown as KernelInternals;
}

/** How an episode ended before grading. */
interface Ending {
  reason: TerminationReason | null;
  /** The agent is still running and must be stopped. */
  kill: boolean;
}

/**
 * The world of an episode inside the kernel: moved in and out directly when the kernel runs in
 * this process (no encoding round trip, no files), over the socket otherwise.
 */
interface EpisodeWorld {
  /** The live world (in-process kernels only): limits and failure conditions read it. */
  live(): World | null;
  /** A copy of the world as it is now, detached from the kernel. */
  take(): Promise<World>;
  /** Destroys the kernel's world (stopping what still runs in it). */
  destroy(): Promise<unknown>;
}

async function placeWorld(clove: CloveClient, handle: KernelHandle | undefined, bytes: Buffer, name: string): Promise<EpisodeWorld> {
  const destroy = () => clove.worldDestroy(name).catch(() => undefined);
  if (handle) {
    const worlds = internals(handle.kernel).worlds;
    await worlds.restore(bytes, { name });
    return {
      live: () => worlds.find(name)?.world ?? null,
      async take() {
        const hosted = worlds.get(name);
        await hosted.sync();
        return hosted.world.fork(name);
      },
      // The agent has ended: the name is freed now and the tree goes while grading runs (the
      // kernel waits for it on close).
      destroy: () => worlds.retire(name).catch(() => undefined),
    };
  }
  await clove.worldRestore({ dataBase64: bytes.toString('base64') }, { name });
  return {
    live: () => null,
    async take() {
      let snapshot: Buffer;
      try {
        const taken = await clove.worldSnapshot(name);
        snapshot = Buffer.from((taken as { dataBase64?: string }).dataBase64 ?? '', 'base64');
      } catch {
        // More than one frame carries: through a file the kernel writes.
        const tmp = await mkdtemp(join(tmpdir(), 'clove-gym-episode-'));
        try {
          await clove.worldSnapshot(name, join(tmp, 'final.snapshot'));
          snapshot = await readFile(join(tmp, 'final.snapshot'));
        } finally {
          await rm(tmp, { recursive: true, force: true });
        }
      }
      return World.restore(snapshot);
    },
    destroy,
  };
}

/**
 * One episode with an external agent process: the instance's initial world is restored into the
 * kernel, the agent is spawned into it with the task in `CLOVE_TASK`, the episode ends at exit,
 * `gym.submit`, a failure condition or a limit (all pushed as they happen: nothing is polled), and
 * the final world is taken back and graded.
 */
export async function runExternalEpisode(run: ExternalEpisode): Promise<EpisodeRecord> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const own = !run.kernel && !run.socketPath ? await startEpisodeKernel() : null;
  const handle = run.kernel ?? own ?? undefined;
  const socketPath = handle?.socketPath ?? run.socketPath!;
  const token = handle?.token ?? run.token;
  let clove: CloveClient | undefined;
  let world: World | undefined;
  const watches = handle ? watchKernel(handle.kernel) : null;
  const watch: Watch = { calls: {}, prompts: [], bytesWritten: 0, onCall: null };
  let agentId: number | null = null;
  const sampler = new ProcessSampler();
  const cleanups: Array<() => void> = [];
  try {
    clove = await connect({ socketPath, ...(token ? { token } : {}) });
    const client = clove;
    const { instance, bytes } = await cachedInitial(run.scenario, run.seed, 64);
    const name = `gym-${run.scenario.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 30)}-${run.seed}-${randomBytes(4).toString('hex')}`;
    const placed = await placeWorld(client, handle, bytes, name);

    let submitted = false;
    let answer: unknown;
    let failedCheck: FailedCheck | null = null;
    let exited = false;
    let finish!: (ending: Ending) => void;
    let lost!: (error: Error) => void;
    const ending = new Promise<Ending>((resolve, reject) => {
      finish = resolve;
      lost = reject;
    });
    // Awaited below; until then a lost connection must not count as an unhandled rejection.
    ending.catch(() => undefined);
    let done = false;
    const end = (reason: TerminationReason | null, kill: boolean): void => {
      if (done) return;
      done = true;
      finish({ reason, kill });
    };

    // Events are pushed: the submit and the exit end the episode the moment they arrive.
    const early: KernelEvent[] = [];
    const onEvent = (event: KernelEvent): void => {
      if (agentId === null) {
        early.push(event);
        return;
      }
      if (event.source !== agentId && !(event.type === 'AGENT_EXITED' && event.data.id === agentId)) return;
      if (event.type === 'CUSTOM' && event.data.name === GYM_SUBMIT_EVENT && !submitted) {
        submitted = true;
        answer = event.data.answer;
        if (spawnedPid) sampler.sample(spawnedPid);
        // A failure condition the last calls met wins over the submit.
        void probe().then(() => end(failedCheck ? 'failed_check' : 'submitted', true));
      }
      if (event.type === 'AGENT_EXITED') {
        exited = true;
        void probe().then(() => end(failedCheck ? 'failed_check' : null, false));
      }
    };
    client.on('event', onEvent);
    cleanups.push(() => client.off('event', onEvent));
    // The kernel went away (or hung up): no event will end the episode, so it fails as the harness's error.
    const onClose = (): void => {
      if (done) return;
      done = true;
      lost(new CloveError(ClientErrorCode.DISCONNECTED, `runEpisode: the kernel connection closed during the episode of ${run.scenario.id} seed ${run.seed}; the agent's run is lost (a harness failure, not the agent's)`));
    };
    client.on('close', onClose);
    cleanups.push(() => client.off('close', onClose));
    await client.subscribe(['CUSTOM', 'AGENT_EXITED'], { push: true });

    // Failure conditions on the live world (in-process kernel), at most one evaluation at a time.
    let probing: Promise<void> | null = null;
    let again = false;
    const probe = async (): Promise<void> => {
      const live = placed.live();
      if (!live || !hasFailConditions(instance) || failedCheck) return;
      if (probing) {
        again = true;
        return probing;
      }
      probing = (async () => {
        do {
          again = false;
          const held = await failedCondition(run.grade, instance, gradeContext(live, [], watch.prompts, [], run.sandbox, submitted, answer)).catch(() => null);
          if (held) {
            failedCheck = held;
            end('failed_check', true);
          }
        } while (again && !failedCheck);
      })().finally(() => {
        probing = null;
      });
      return probing;
    };

    const [script, ...args] = run.command;
    if (!script) throw new GymError('GYM_AGENT_INVALID', 'runEpisode: the agent command is empty; give the program to run and its arguments, e.g. ["python3", "agent.py"]');
    let spawnedPid: number | null = null;
    const spawned = await client.spawn({
      script,
      args,
      name: `${name}-agent`,
      world: name,
      sandboxed: run.sandbox,
      env: { ...run.env, CLOVE_TASK: JSON.stringify(instance.task) },
    });
    agentId = spawned.id;
    spawnedPid = spawned.pid ?? null;
    const id = agentId;
    if (spawnedPid) sampler.sample(spawnedPid);
    const sampling = setInterval(() => spawnedPid && sampler.sample(spawnedPid), 25);
    sampling.unref();
    cleanups.push(() => clearInterval(sampling));

    // Limits: timers and the kernel's own hooks, no polling loop.
    if (run.limits.wallTimeMs !== undefined) {
      const timer = setTimeout(() => end('wall_limit', true), Math.max(0, run.limits.wallTimeMs - (performance.now() - started)));
      cleanups.push(() => clearTimeout(timer));
    }
    if (run.signal) {
      const signal = run.signal;
      const onAbort = (): void => end('error', true);
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    const live = placed.live();
    if (live && run.limits.virtualTimeMs !== undefined) {
      // A timer on the world clock: it never moves a discrete clock by itself.
      const clock = live.clock;
      const timer = clock.schedule(run.limits.virtualTimeMs, () => end('time_limit', true));
      cleanups.push(() => clock.cancel(timer));
    }
    if (watches) {
      const agent = internals(handle!.kernel).agents.find(id);
      watch.onCall = (op) => {
        const n = countCalls(watch.calls);
        if (run.limits.syscalls !== undefined && n >= run.limits.syscalls) end('syscall_limit', true);
        else if (run.limits.steps !== undefined && n >= run.limits.steps) end('step_limit', true);
        else if (op === 'THINK' && run.limits.tokens !== undefined && agent && agent.llmUsage.tokens >= run.limits.tokens) end('token_limit', true);
        if (op !== 'HELLO') void probe();
      };
      watches.set(id, watch);
      if (hasFailConditions(instance) && live) {
        // World events (an fs.write, an outage) can make a condition hold between two calls.
        const onTimeline = (): void => void probe();
        live.on('event', onTimeline);
        cleanups.push(() => live.off('event', onTimeline));
      }
    } else if (run.limits.virtualTimeMs !== undefined || run.limits.tokens !== undefined) {
      // A kernel by socket: its world clock and token counts are only seen by asking.
      const check = setInterval(() => {
        void (async () => {
          if (run.limits.virtualTimeMs !== undefined) {
            const t = await client.time(name).catch(() => null);
            if (t?.elapsedMs !== undefined && t.elapsedMs >= run.limits.virtualTimeMs) end('time_limit', true);
          }
          if (run.limits.tokens !== undefined) {
            const perms = await client.getPerms(id).catch(() => null);
            if (perms && perms.llmUsage.tokens >= run.limits.tokens) end('token_limit', true);
          }
        })();
      }, 100);
      check.unref();
      cleanups.push(() => clearInterval(check));
    }
    for (const event of early.splice(0)) onEvent(event);

    const { reason: endReason, kill } = await ending;
    let reason = endReason;
    // Stopping the agent (the kernel reaps it, and tears its sandbox down) and taking the world
    // back overlap: the world is taken as the episode ended, whatever the agent does meanwhile.
    const stopped = (async (): Promise<AgentRecord> => {
      if (kill && !exited) await client.kill(id, { signal: 'SIGKILL' }).catch(() => undefined);
      return client.wait(id, 10_000);
    })();
    const [exitRecord, taken] = await Promise.all([stopped, placed.take()]);
    world = taken;
    await placed.destroy();
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (!reason) reason = submitted ? 'submitted' : exitRecord.exitCode === 0 ? 'agent_exit' : 'agent_crash';
    const logs = await client.logs(id, { max: 5000 }).catch(() => null);
    const outputs = logs ? logs.lines.map((l) => l.text) : [];
    const finalWorld = world;
    // The world's LLM log (part of its state) holds every THINK of the episode with its reply:
    // the kernel's provider answered (passthrough) or the world's scripted mock did.
    const llmLog = finalWorld.llm.log.filter((call) => call.outcome === 'ok');
    const llmPrompts = llmLog.length > 0 ? llmLog.flatMap((call) => call.messages.map((m) => messageText(m))) : watch.prompts;
    const llmReplies = llmLog.map((call) => call.content);
    let grade: GradeResult | undefined;
    let error: { code: string; message: string } | undefined;
    if (run.signal?.aborted) error = { code: 'GYM_ABORTED', message: 'the episode was aborted (signal)' };
    const ctx = gradeContext(finalWorld, outputs, llmPrompts, llmReplies, run.sandbox, submitted, answer);
    if (!failedCheck && reason !== 'error' && hasFailConditions(instance)) {
      // A kernel by socket (or a condition met at the very end): judged on the final world.
      failedCheck = await failedCondition(run.grade, instance, ctx).catch(() => null);
      if (failedCheck) reason = 'failed_check';
    }
    try {
      grade = await run.grade(instance, ctx);
    } catch (e) {
      const err = toError(e) as Error & { code?: string };
      error ??= { code: err.code ?? 'GYM_GRADE_FAILED', message: `grading failed: ${err.message}` };
      reason = 'error';
    }
    const requests = finalWorld.requestLog.length;
    const metrics: EpisodeMetrics = {
      cpuUserMs: sampler.samples > 0 ? sampler.userMs : null,
      cpuSystemMs: sampler.samples > 0 ? sampler.systemMs : null,
      peakMemoryBytes: sampler.samples > 0 ? sampler.peakRss : null,
      syscalls: { ...watch.calls },
      httpRequests: requests,
      llmCalls: watch.calls.THINK ?? llmLog.length,
      tokens: { prompt: 0, completion: 0, total: 0 },
      bytesRead: sampler.rchar,
      bytesWritten: Math.max(sampler.wchar, watch.bytesWritten),
      eventsFired: finalWorld.timeline.length,
      waitingMs: 0,
      exitCode: exitRecord.exitCode,
      signal: exitRecord.signal,
    };
    const usage = (handle ? internals(handle.kernel).agents.find(id)?.llmUsage : undefined) ?? (await client.getPerms(id).catch(() => null))?.llmUsage;
    if (usage) metrics.tokens.total = usage.tokens;
    return buildRecord({
      scenario: run.scenario,
      seed: run.seed,
      agent: run.label,
      mode: 'external',
      reason,
      grade,
      error,
      failedCheck: failedCheck ?? undefined,
      steps: countCalls(watch.calls),
      wallMs: performance.now() - started,
      virtualMs: finalWorld.clock.elapsed(),
      metrics,
      worldHash: finalWorld.stateHash(),
      submitted,
      answer,
      startedAt,
    });
  } finally {
    for (const cleanup of cleanups) cleanup();
    if (agentId !== null) watches?.delete(agentId);
    world?.close();
    clove?.close();
    await own?.close();
  }
}

function gradeContext(world: World, outputs: string[], llmPrompts: string[], llmReplies: string[], sandbox: boolean, submitted: boolean, answer: unknown): GradeContext {
  return {
    world,
    answer,
    submitted,
    outputs,
    llmPrompts,
    llmReplies,
    exec: async (command, cmdArgs, cwd) => {
      const r = await execInWorld(world, { command, args: cmdArgs, cwd: cwd ?? '/', timeoutMs: 60_000 }, { sandbox, sync: false });
      return { exitCode: r.exit_code, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
