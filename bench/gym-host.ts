/**
 * The runner's EpisodeHost on gym's `runEpisode`: one embedded kernel shared by every concurrent
 * episode (or a daemon at `socketPath`), scenarios from the built-in library or a folder.
 */
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { llmAgentCommand } from '../agents/index.js';
import { runEpisode, type RunEpisodeOptions } from '../gym/index.js';
import { startKernel, type KernelHandle } from '../kernel/index.js';
import type { EnvSpec } from '../gym/registry.js';
import type { Grader } from '../gym/scenario.js';
import { builtinScenarios, grade, loadScenario, type Scenario } from '../scenarios/index.js';
import { connect } from '../sdk/index.js';
import { BenchError } from './errors.js';
import type { EpisodeHost, EpisodeRequest } from './host.js';
import type { ScenarioCatalog, ScenarioEntry } from './plan.js';
import type { AgentKind, SuiteAgent } from './suite.js';

export interface GymHostOptions {
  /** Use the kernel daemon at this socket instead of an embedded one. */
  socketPath?: string;
}

/** An executable named without a path (`python3`, `node`), found on PATH as a shell would; `node` is this Node. */
function findExecutable(name: string): string {
  if (name === 'node') return process.execPath;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return name;
}

/**
 * Resolves a suite's command: the program found on PATH when named bare, and arguments that name
 * files relative to the suite file (`agents/x.py`, `./run.sh`) made absolute.
 */
function resolveCommand(command: readonly string[], baseDir: string): string[] {
  return command.map((part, i) => {
    if (isAbsolute(part) || part.startsWith('-')) return part;
    const candidate = resolve(baseDir, part);
    if (existsSync(candidate) && (i > 0 || part.includes('/'))) return candidate;
    return i === 0 && !part.includes('/') ? findExecutable(part) : part;
  });
}

function agentOption(agent: SuiteAgent, baseDir: string): RunEpisodeOptions['agent'] {
  switch (agent.kind) {
    case 'reference':
    case 'random':
      return agent.kind;
    case 'command':
      return { kind: 'command', command: [...resolveCommand(agent.command ?? [], baseDir), ...(agent.args ?? [])], ...(agent.env ? { env: agent.env } : {}), label: agent.id };
    case 'module':
      return { kind: 'module', path: resolve(baseDir, agent.path ?? ''), label: agent.id };
    case 'llm':
      // The LLM agent loop (clove/agents) as an external agent; `model` reaches THINK, `env` sets the loop (CLOVE_AGENT_*).
      return { kind: 'command', command: [...llmAgentCommand(), ...(agent.args ?? [])], env: { ...agent.env, ...(agent.model ? { CLOVE_AGENT_MODEL: agent.model } : {}) }, label: agent.id };
    default:
      throw new BenchError('SUITE_INVALID', `agent kind ${agent.kind} is not available in this Clove version; the kinds are reference, random, command, module and llm (see docs/bench.md)`, { exitCode: 2 });
  }
}

/**
 * Starts the host: an embedded kernel (unless `socketPath` names a daemon).
 *
 * @example
 * const host = await createGymHost();
 * try { await runSuite(suite, { out, host }); } finally { await host.close(); }
 */
export async function createGymHost(options: GymHostOptions = {}): Promise<EpisodeHost> {
  let dir: string | undefined;
  let kernel: KernelHandle | undefined;
  if (!options.socketPath) {
    dir = mkdtempSync(join(tmpdir(), 'clove-bench-'));
    kernel = await startKernel({ socketPath: join(dir, 'kernel.sock'), handleSignals: false, auditLog: false, log: () => {} });
  }
  const socketPath = options.socketPath ?? kernel!.socketPath;
  let sandbox = 'unknown';
  try {
    const client = await connect({ socketPath, ...(kernel ? { token: kernel.token } : {}) });
    const status = await client.status();
    const probe = status.sandbox as { backend?: string; cgroup?: { version: string } | null };
    sandbox = `${probe.backend ?? 'none'}${probe.cgroup ? ` + cgroup ${probe.cgroup.version}` : ''}`;
    client.close();
  } catch (error) {
    sandbox = `unknown (${(error as Error).message})`;
  }
  // One env spec per scenario, made once: the gym keeps its per-seed snapshots on it.
  const specs = new Map<string, Promise<EnvSpec>>();
  // scenarios' grade takes the instance its own instantiate() made, which is what the gym passes back.
  const toSpec = (s: Scenario): EnvSpec => ({ id: s.id, scenario: s, grade: grade as unknown as Grader, source: s.dir });
  const loaded = new Map<string, Promise<Scenario>>();
  const specFor = (entry: ScenarioEntry): Promise<EnvSpec> => {
    let spec = specs.get(entry.ref);
    if (!spec) {
      const scenario =
        loaded.get(entry.ref) ??
        (entry.ref === entry.id ? builtinScenarios().then((all) => all.find((x) => x.id === entry.id) ?? loadScenario(entry.ref)) : loadScenario(entry.ref));
      spec = scenario.then(toSpec);
      spec.catch(() => specs.delete(entry.ref));
      specs.set(entry.ref, spec);
    }
    return spec;
  };
  const catalog: ScenarioCatalog = {
    async builtin() {
      return (await builtinScenarios()).map((s) => ({ id: s.id, tags: s.tags, ref: s.id }));
    },
    async load(path) {
      const s = await loadScenario(path);
      loaded.set(path, Promise.resolve(s));
      return { id: s.id, tags: s.tags, ref: path };
    },
  };
  const kinds: AgentKind[] = ['reference', 'random', 'command', 'module', 'llm'];
  return {
    catalog,
    agentKinds: kinds,
    sandboxDescription: () => sandbox,
    async run(request: EpisodeRequest) {
      return runEpisode(await specFor(request.scenario), {
        agent: agentOption(request.agent, request.baseDir),
        seed: request.seed,
        limits: request.limits,
        sandbox: request.sandbox.backend !== 'none',
        ...(kernel ? { kernel } : { socketPath }),
        ...(request.trajectory ? { record: request.trajectory } : {}),
        signal: request.signal,
      });
    },
    async close() {
      await kernel?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
