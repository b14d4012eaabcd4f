/**
 * The runner's EpisodeHost on gym's `runEpisode`: one embedded kernel shared by every concurrent
 * episode (or a daemon at `socketPath`), scenarios from the built-in library or a folder.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { runEpisode, type RunEpisodeOptions } from '../gym/index.js';
import { startKernel, type KernelHandle } from '../kernel/index.js';
import { builtinScenarios, loadScenario, type Scenario } from '../scenarios/index.js';
import { connect } from '../sdk/index.js';
import type { EpisodeHost, EpisodeRequest } from './host.js';
import type { ScenarioCatalog, ScenarioEntry } from './plan.js';
import type { AgentKind, SuiteAgent } from './suite.js';

export interface GymHostOptions {
  /** Use the kernel daemon at this socket instead of an embedded one. */
  socketPath?: string;
}

/** Resolves the parts of a command that name files relative to the suite (`agents/x.py`, `./run.sh`). */
function resolveCommand(command: readonly string[], baseDir: string): string[] {
  return command.map((part, i) => {
    if (isAbsolute(part) || part.startsWith('-')) return part;
    const candidate = resolve(baseDir, part);
    const pathLike = part.startsWith('./') || part.startsWith('../') || part.includes('/') || i > 0;
    return pathLike && existsSync(candidate) ? candidate : part;
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
    default:
      throw new Error(`agent kind ${agent.kind} is not available in this Clove version`);
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
  const loaded = new Map<string, Promise<Scenario>>();
  const scenarioFor = (entry: ScenarioEntry): Promise<Scenario> => {
    let s = loaded.get(entry.ref);
    if (!s) {
      s = entry.ref === entry.id ? builtinScenarios().then((all) => all.find((x) => x.id === entry.id) ?? loadScenario(entry.ref)) : loadScenario(entry.ref);
      loaded.set(entry.ref, s);
    }
    return s;
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
  const kinds: AgentKind[] = ['reference', 'random', 'command', 'module'];
  return {
    catalog,
    agentKinds: kinds,
    sandboxDescription: () => sandbox,
    async run(request: EpisodeRequest) {
      const scenario = await scenarioFor(request.scenario);
      return runEpisode(scenario, {
        agent: agentOption(request.agent, request.baseDir),
        seed: request.seed,
        limits: request.limits,
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
