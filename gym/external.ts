import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kernel, KernelHandle } from '../kernel/index.js';
import { startKernel } from '../kernel/index.js';
import { connect, type CloveClient } from '../sdk/client.js';
import { GYM_SUBMIT_EVENT } from '../sdk/gym.js';
import type { AgentRecord, KernelEvent } from '../sdk/api-types.js';
import { World } from '../worlds/index.js';
import { cachedInitial } from './env.js';
import type { EpisodeMetrics, EpisodeRecord, TerminationReason } from './episode.js';
import { GymError, toError } from './errors.js';
import { execInWorld } from './internal/world-exec.js';
import { ProcessSampler } from './internal/process-sampler.js';
import { buildRecord } from './record.js';
import type { EpisodeLimits, GradeResult, Grader, GymScenario } from './scenario.js';

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
  /** Seconds an agent gets to exit by itself after it submitted (default 2000 ms). */
  exitGraceMs?: number;
}

/** Per in-process kernel: the agents of running episodes and what they called. */
interface Watch {
  calls: Record<string, number>;
  prompts: string[];
  bytesWritten: number;
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
 * One episode with an external agent process: the instance's initial world is restored into the
 * kernel, the agent is spawned into it with the task in `CLOVE_TASK`, the episode ends at exit,
 * `gym.submit` or a limit, and the final world is snapshotted back and graded.
 */
export async function runExternalEpisode(run: ExternalEpisode): Promise<EpisodeRecord> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const own = !run.kernel && !run.socketPath ? await startEpisodeKernel() : null;
  const handle = run.kernel ?? own ?? undefined;
  const socketPath = handle?.socketPath ?? run.socketPath!;
  const token = handle?.token ?? run.token;
  const tmp = await mkdtemp(join(tmpdir(), 'clove-gym-episode-'));
  let clove: CloveClient | undefined;
  let world: World | undefined;
  const watches = handle ? watchKernel(handle.kernel) : null;
  const watch: Watch = { calls: {}, prompts: [], bytesWritten: 0 };
  let agentId: number | null = null;
  const sampler = new ProcessSampler();
  try {
    clove = await connect({ socketPath, ...(token ? { token } : {}) });
    const { instance, bytes } = await cachedInitial(run.scenario, run.seed, 64);
    const name = `gym-${run.scenario.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 30)}-${run.seed}-${randomBytes(4).toString('hex')}`;
    const snapshotFile = join(tmp, 'initial.snapshot');
    await writeFile(snapshotFile, bytes, { mode: 0o600 });
    await clove.worldRestore({ path: snapshotFile }, { name });
    await clove.subscribe(['CUSTOM', 'AGENT_EXITED']);
    const [script, ...args] = run.command;
    if (!script) throw new GymError('GYM_AGENT_INVALID', 'runEpisode: the agent command is empty; give the program to run and its arguments, e.g. ["python3", "agent.py"]');
    const spawned = await clove.spawn({
      script,
      args,
      name: `${name}-agent`,
      world: name,
      sandboxed: run.sandbox,
      env: { ...run.env, CLOVE_TASK: JSON.stringify(instance.task) },
    });
    agentId = spawned.id;
    watches?.set(agentId, watch);

    let reason: TerminationReason | null = null;
    let submitted = false;
    let answer: unknown;
    let exitRecord: AgentRecord | null = null;
    let submittedAt = 0;
    const wallLimit = run.limits.wallTimeMs;
    while (!exitRecord) {
      if (spawned.pid) sampler.sample(spawned.pid);
      const polled = await clove.pollEvents({ max: 100, timeoutMs: 25 });
      for (const event of polled.events as KernelEvent[]) {
        if (event.source !== agentId && !(event.type === 'AGENT_EXITED' && event.data.id === agentId)) continue;
        if (event.type === 'CUSTOM' && event.data.name === GYM_SUBMIT_EVENT && !submitted) {
          submitted = true;
          answer = event.data.answer;
          submittedAt = performance.now();
          reason ??= 'submitted';
        }
        if (event.type === 'AGENT_EXITED') exitRecord = await clove.wait(agentId);
      }
      if (exitRecord) break;
      const now = performance.now();
      let limit: TerminationReason | null = null;
      if (run.signal?.aborted) limit = 'error';
      else if (wallLimit !== undefined && now - started >= wallLimit) limit = 'wall_limit';
      else if (watches && run.limits.syscalls !== undefined && countCalls(watch.calls) >= run.limits.syscalls) limit = 'syscall_limit';
      else if (watches && run.limits.steps !== undefined && countCalls(watch.calls) >= run.limits.steps) limit = 'step_limit';
      else if (run.limits.virtualTimeMs !== undefined || run.limits.tokens !== undefined) {
        if (run.limits.virtualTimeMs !== undefined) {
          const t = await clove.time(name);
          if (t.elapsedMs !== undefined && t.elapsedMs >= run.limits.virtualTimeMs) limit = 'time_limit';
        }
        if (!limit && run.limits.tokens !== undefined) {
          const perms = await clove.getPerms(agentId).catch(() => null);
          if (perms && perms.llmUsage.tokens >= run.limits.tokens) limit = 'token_limit';
        }
      }
      if (submitted && now - submittedAt > (run.exitGraceMs ?? 2000)) limit = 'submitted';
      if (limit) {
        reason ??= limit;
        await clove.kill(agentId, { signal: 'SIGKILL' }).catch(() => undefined);
        exitRecord = await clove.wait(agentId, 10_000);
      }
    }
    if (!reason) reason = exitRecord.exitCode === 0 ? 'agent_exit' : 'agent_crash';
    const logs = await clove.logs(agentId, { max: 5000 }).catch(() => null);
    const outputs = logs ? logs.lines.map((l) => l.text) : [];
    const snapshotOut = join(tmp, 'final.snapshot');
    await clove.worldSnapshot(name, snapshotOut);
    await clove.worldDestroy(name).catch(() => undefined);
    const { readFile } = await import('node:fs/promises');
    world = World.restore(await readFile(snapshotOut));
    const finalWorld = world;
    let grade: GradeResult | undefined;
    let error: { code: string; message: string } | undefined;
    if (run.signal?.aborted) error = { code: 'GYM_ABORTED', message: 'the episode was aborted (signal)' };
    try {
      grade = await run.grade(instance, {
        world: finalWorld,
        answer,
        submitted,
        outputs,
        llmPrompts: watch.prompts,
        exec: async (command, cmdArgs, cwd) => {
          const r = await execInWorld(finalWorld, { command, args: cmdArgs, cwd: cwd ?? '/', timeoutMs: 60_000 }, { sandbox: run.sandbox, sync: false });
          return { exitCode: r.exit_code, stdout: r.stdout, stderr: r.stderr };
        },
      });
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
      llmCalls: watch.calls.THINK ?? 0,
      tokens: { prompt: 0, completion: 0, total: 0 },
      bytesRead: sampler.rchar,
      bytesWritten: Math.max(sampler.wchar, watch.bytesWritten),
      eventsFired: finalWorld.timeline.length,
      waitingMs: 0,
      exitCode: exitRecord.exitCode,
      signal: exitRecord.signal,
    };
    const usage = await clove.getPerms(agentId).catch(() => null);
    if (usage) metrics.tokens.total = usage.llmUsage.tokens;
    return buildRecord({
      scenario: run.scenario,
      seed: run.seed,
      agent: run.label,
      mode: 'external',
      reason,
      grade,
      error,
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
    if (agentId !== null) watches?.delete(agentId);
    world?.close();
    clove?.close();
    await rm(tmp, { recursive: true, force: true });
    await own?.close();
  }
}
