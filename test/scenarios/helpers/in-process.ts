/**
 * A small in-process harness for scenario tests: a `Tools` implementation over a `World` (the
 * world's filesystem, network, discrete clock, a mock LLM, mailboxes between the episode's
 * agents), a step limit, and grading. The gym's `runEpisode` is the real driver; this only lets
 * the scenario library be tested on its own.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScriptedAgent, Tools } from '../../../gym/tools.js';
import { MockProvider } from '../../../kernel/llm/mock.js';
import { grade, type GradeResult, type ScenarioInstance } from '../../../scenarios/index.js';
import { createWorld, type World } from '../../../worlds/index.js';

export interface EpisodeResult extends GradeResult {
  world: World;
  steps: number;
  submitted: boolean;
  answer: unknown;
  error: Error | undefined;
  outputs: string[];
  llmPrompts: string[];
}

class StepLimit extends Error {
  readonly code = 'STEP_LIMIT';
}

class ToolError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function run(command: string, args: string[], cwd: string, timeoutMs = 20_000): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ exitCode: 127, stdout, stderr: stderr + e.message }));
    child.on('close', (code) => resolve({ exitCode: code ?? 128, stdout, stderr }));
  });
}

/** Maps a world path into a materialised tree (rejecting escapes). */
function hostPath(root: string, worldPath: string | undefined): string {
  const p = worldPath ?? '/';
  if (!p.startsWith('/') || p.split('/').includes('..')) throw new ToolError('FS_PATH_ESCAPE', `cwd ${p} must be an absolute world path without ..`);
  return join(root, p);
}

/** Runs `agent` (and the instance's scripted peers) in a fresh world of the instance, then grades. */
export async function runInProcess(instance: ScenarioInstance, agent: ScriptedAgent, options: { maxSteps?: number } = {}): Promise<EpisodeResult> {
  const world = createWorld(instance.world, { seed: instance.seed });
  const maxSteps = options.maxSteps ?? instance.scenario.limits.steps ?? 200;
  const tmp = await mkdtemp(join(tmpdir(), 'clove-scn-'));
  const tree = join(tmp, 'tree');
  const state = { steps: 0, submitted: false, answer: undefined as unknown, outputs: [] as string[], llmPrompts: [] as string[], llmReplies: [] as string[] };
  const mailboxes = new Map<string, Array<{ from: string; message: unknown }>>();
  const waiters = new Map<string, () => void>();
  const llm = new MockProvider();
  const names = [instance.task.agent, ...(instance.peers ?? []).map((p) => p.name)];
  for (const name of names) {
    mailboxes.set(name, []);
    world.agentJoined(name);
  }

  const toolsFor = (name: string, counted: boolean): Tools => {
    const step = (): void => {
      if (!counted) return;
      if (state.submitted) throw new ToolError('EPISODE_DONE', 'the episode ended (submitted)');
      state.steps++;
      if (state.steps > maxSteps) throw new StepLimit(`step limit ${maxSteps} reached`);
    };
    const fsCall = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (error) {
        const e = error as Error & { code?: string };
        throw new ToolError(e.code ?? 'FS_ERROR', e.message);
      }
    };
    return {
      async readFile(path) {
        step();
        return fsCall(() => world.fs.readFile(path).toString('utf8'));
      },
      async writeFile(path, content) {
        step();
        fsCall(() => world.fs.writeFile(path, content, { parents: true }));
      },
      async listDir(path) {
        step();
        return fsCall(() => world.fs.list(path).map((e) => ({ name: e.name, type: e.type === 'dir' ? ('directory' as const) : ('file' as const) })));
      },
      async delete(path) {
        step();
        if (!world.fs.exists(path)) return false;
        fsCall(() => world.fs.rm(path, { recursive: true }));
        return true;
      },
      async exec(command, args = [], opts = {}) {
        step();
        await world.fs.materialise(tree);
        const result = await run(command, args, hostPath(tree, opts.cwd), opts.timeoutMs);
        await world.fs.syncFrom(tree);
        if (counted) state.outputs.push(result.stdout, result.stderr);
        return { exit_code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
      },
      async http(url, init = {}) {
        step();
        if (counted) state.outputs.push(`${init.method ?? 'GET'} ${url}\n${init.body ?? ''}`);
        try {
          const res = await world.fetch({ url, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body ?? null }, { agent: name });
          return { status: res.status, headers: res.headers, body: res.body.toString('utf8') };
        } catch (error) {
          const e = error as Error & { code?: string };
          throw new ToolError(e.code ?? 'HTTP_FAILED', e.message);
        }
      },
      async sleep(ms) {
        step();
        await world.clock.sleep(ms, { agent: name });
      },
      async think(prompt, opts = {}) {
        step();
        const messages = [...(opts.system === undefined ? [] : [{ role: 'system' as const, content: opts.system }]), { role: 'user' as const, content: prompt }];
        const result = await llm.complete({ messages });
        if (counted) {
          state.llmPrompts.push(messages.map((m) => m.content).join('\n'));
          state.llmReplies.push(result.content);
        }
        return result.content;
      },
      async send(to, message) {
        step();
        const box = mailboxes.get(to);
        if (box === undefined) throw new ToolError('AGENT_NOT_FOUND', `no agent named ${to} in this episode (agents: ${names.join(', ')})`);
        if (counted) state.outputs.push(typeof message === 'string' ? message : JSON.stringify(message));
        box.push({ from: name, message });
        waiters.get(to)?.();
      },
      async recv(opts = {}) {
        step();
        const box = mailboxes.get(name)!;
        if (box.length === 0) {
          await world.clock.waitFor((done) => {
            waiters.set(name, done);
            const timer = opts.timeoutMs === undefined ? undefined : world.clock.schedule(opts.timeoutMs, done);
            return () => {
              waiters.delete(name);
              if (timer !== undefined) world.clock.cancel(timer);
            };
          }, { agent: name });
        }
        const next = box.shift();
        return next === undefined ? { from: null, message: null } : { from: next.from, message: next.message };
      },
      async submit(answer) {
        step();
        state.submitted = true;
        state.answer = answer;
      },
      async now() {
        return world.now();
      },
    };
  };

  let error: Error | undefined;
  const runAgent = async (name: string, fn: () => Promise<void>, main: boolean): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      if (main && !(e instanceof ToolError && e.code === 'EPISODE_DONE')) error = e as Error;
    } finally {
      world.agentLeft(name);
    }
  };
  const peers = (instance.peers ?? []).map((peer) => runAgent(peer.name, () => peer.agent(toolsFor(peer.name, false), peer.task), false));
  await runAgent(instance.task.agent, () => agent(toolsFor(instance.task.agent, true), instance.task), true);
  // Let peers finish what the last message started (an ack), then end the ones still waiting.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  world.close();
  await Promise.allSettled(peers);

  const gradeTree = join(tmp, 'grade');
  let materialised = false;
  const result = await grade(instance, {
    world,
    submitted: state.submitted,
    ...(state.submitted ? { answer: state.answer } : {}),
    outputs: state.outputs,
    llmPrompts: state.llmPrompts,
    llmReplies: state.llmReplies,
    async exec(command, args, cwd) {
      if (!materialised) {
        await world.fs.materialise(gradeTree);
        materialised = true;
      }
      return run(command, args, hostPath(gradeTree, cwd));
    },
  });
  await rm(tmp, { recursive: true, force: true });
  return { ...result, world, steps: state.steps, submitted: state.submitted, answer: state.answer, error, outputs: state.outputs, llmPrompts: state.llmPrompts };
}
