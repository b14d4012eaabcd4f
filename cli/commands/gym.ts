import { existsSync, statSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { AgentSpec, EnvSpec, EpisodeRecord } from '../../gym/index.js';
import { CliError, ExitCode, paint, printJson, printTable } from '../output.js';

type Gym = typeof import('../../gym/index.js');

/** The gym loads the world engine and the scenario library: only `clove gym` pays for it. */
function gym(): Promise<Gym> {
  return import('../../gym/index.js');
}

/** An env spec from a built-in id, a scenario folder or scenario.yaml, or a JS module whose default export is an EnvSpec. */
async function resolveSpec(g: Gym, ref: string): Promise<EnvSpec> {
  const path = resolve(ref);
  if (existsSync(path)) {
    if (statSync(path).isFile() && ['.js', '.mjs', '.cjs'].includes(extname(path))) {
      const mod = (await import(pathToFileURL(path).href)) as { default?: EnvSpec | EnvSpec[] };
      const spec = Array.isArray(mod.default) ? mod.default[0] : mod.default;
      if (!spec || typeof spec !== 'object' || typeof spec.grade !== 'function') throw new CliError(`${ref}: the default export is not an EnvSpec ({ id, scenario, grade })`, ExitCode.USAGE);
      return spec;
    }
    return g.specFromPath(path);
  }
  return g.registry.lookup(ref);
}

function int(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer >= ${min}, got '${value}'`, ExitCode.USAGE);
  return n;
}

/** Splits a command line on spaces, keeping "quoted" and 'quoted' words together. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

function outcomeColour(r: EpisodeRecord): string {
  const text = r.outcome;
  return r.success ? paint('green', text) : r.outcome === 'errored' ? paint('red', text) : paint('yellow', text);
}

export function gymCommand(program: Command): void {
  const cmd = program
    .command('gym')
    .description('seeded episodes over scenario worlds: list, validate, check, play and replay')
    .addHelpText(
      'after',
      `
Scenarios are given by id (file-repair-v1; a bare name picks the highest version), by a scenario
folder or scenario.yaml, or by a JS module whose default export is an EnvSpec. See docs/gym.md.`,
    );

  cmd
    .command('list')
    .description('list the registered scenarios (the built-in library and any registered specs)')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      const g = await gym();
      const specs = await g.registry.list();
      const rows = await Promise.all(
        specs.map(async (spec) => {
          const s = typeof spec.scenario === 'function' ? await spec.scenario() : spec.scenario;
          return { id: spec.id, name: s.name, version: s.version, difficulty: s.difficulty ?? null, tags: s.tags ?? [], tools: s.tools, agents: s.agents, limits: s.limits, seeded: s.seeded, description: s.description };
        }),
      );
      if (options.json) return printJson(rows);
      printTable(
        ['ID', 'DIFFICULTY', 'TAGS', 'LIMITS', 'DESCRIPTION'],
        rows.map((r) => [
          r.id,
          r.difficulty,
          r.tags.join(','),
          [r.limits.steps !== undefined ? `${r.limits.steps} steps` : null, r.limits.virtualTimeMs !== undefined ? `${r.limits.virtualTimeMs / 1000}s world` : null].filter(Boolean).join(', '),
          r.description.length > 70 ? `${r.description.slice(0, 67)}...` : r.description,
        ]),
      );
    });

  cmd
    .command('validate')
    .description('check a scenario (folder or scenario.yaml) against the schema and build its seed-0 world')
    .argument('<file>', 'scenario folder or scenario.yaml')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const g = await gym();
      const { createWorld } = await import('../../worlds/index.js');
      try {
        const spec = await g.specFromPath(resolve(file));
        const scenario = typeof spec.scenario === 'function' ? await spec.scenario() : spec.scenario;
        const instance = await scenario.instantiate(0);
        const world = createWorld(instance.world, { seed: 0 });
        const files = world.fs.files().length;
        world.close();
        const summary = { valid: true, file, id: scenario.id, tools: scenario.tools, checks: instance.checks.length, files, seeded: scenario.seeded, reference: scenario.referencePath ?? null };
        if (options.json) printJson(summary);
        else process.stdout.write(`${paint('green', 'valid')} ${file}: ${scenario.id}, ${summary.checks} checks, ${files} files in the seed-0 world${scenario.seeded ? ', seeded generator' : ''}${summary.reference ? '' : ', no reference agent'}\n`);
      } catch (error) {
        const e = error as { code?: string; message: string; issues?: unknown[] };
        if (options.json) printJson({ valid: false, file, code: e.code ?? null, message: e.message, issues: e.issues ?? [] });
        else process.stderr.write(`${paint('red', 'invalid')} ${e.code ? `[${e.code}] ` : ''}${e.message}\n`);
        process.exitCode = ExitCode.FAILED;
      }
    });

  cmd
    .command('check')
    .description("Gymnasium's check_env plus world determinism: spaces, seeding, reset/step determinism, every limit, snapshot round trip, close")
    .argument('<scenario>', 'scenario id, folder, scenario.yaml or EnvSpec module')
    .option('--seed <n>', 'seed of the determinism checks', '123')
    .option('--no-sandbox', 'run exec actions without the sandbox')
    .option('--json', 'print the report as JSON')
    .action(async (ref: string, options: { seed: string; sandbox: boolean; json?: boolean }) => {
      const g = await gym();
      const spec = await resolveSpec(g, ref);
      const report = await g.checkEnv(spec, { seed: int('seed', options.seed, 123), sandbox: options.sandbox });
      if (options.json) printJson(report);
      else {
        for (const c of report.checks) {
          const mark = c.status === 'passed' ? paint('green', 'ok  ') : c.status === 'skipped' ? paint('yellow', 'skip') : paint('red', 'FAIL');
          process.stdout.write(`${mark} ${c.name}: ${c.message}\n`);
        }
        process.stdout.write(`${report.passed ? paint('green', 'passed') : paint('red', 'failed')} ${report.id} (${report.durationMs} ms)\n`);
      }
      if (!report.passed) process.exitCode = ExitCode.FAILED;
    });

  cmd
    .command('play')
    .description('run episodes with an agent and grade them (exit 0 when every episode succeeded)')
    .argument('<scenario>', 'scenario id, folder, scenario.yaml or EnvSpec module')
    .requiredOption('--agent <agent>', "'reference', 'random', 'llm' (the LLM agent loop of clove/agents as an external process; CLOVE_AGENT_* variables set its model and loop), or a command line (e.g. \"python3 agent.py\") run as an external agent process")
    .option('--seed <n>', 'first seed', '0')
    .option('--episodes <n>', 'episodes, with seeds seed, seed+1, ...', '1')
    .option('--record <file>', 'write the trajectory as JSON lines (in-process agents)')
    .option('--sandbox', 'sandbox the agent process (namespaces, cgroup, unprivileged uid) and exec actions')
    .option('--external', "run 'reference' as an external process through the kernel instead of in-process")
    .option('--socket <path>', 'use a running kernel for external agents (default: an embedded one)')
    .option('--json', 'print the episode records as JSON')
    .action(async (ref: string, options: { agent: string; seed: string; episodes: string; record?: string; sandbox?: boolean; external?: boolean; socket?: string; json?: boolean }) => {
      const g = await gym();
      const spec = await resolveSpec(g, ref);
      const seed = int('seed', options.seed, 0);
      const episodes = int('episodes', options.episodes, 1, 1);
      let agent: AgentSpec;
      if (options.agent === 'reference' || options.agent === 'random') agent = options.agent;
      else if (options.agent === 'llm') {
        const { llmAgentCommand } = await import('../../agents/index.js');
        // Agents start with a clean environment: the loop's own settings are passed on by name.
        const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('CLOVE_AGENT_') && e[1] !== undefined));
        agent = { kind: 'command', command: llmAgentCommand(), env, label: 'llm' };
      } else {
        const command = splitCommand(options.agent);
        if (command.length === 0) throw new CliError('--agent needs a command line, reference or random', ExitCode.USAGE);
        agent = { kind: 'command', command, label: options.agent };
      }
      const external = typeof agent === 'object' || (agent === 'reference' && options.external === true);
      if (options.record && external) throw new CliError('--record writes in-process trajectories; external agents are recorded in the episode record (metrics, world hash)', ExitCode.USAGE);
      if (options.record) writeFileSync(resolve(options.record), '');
      const kernel = external && !options.socket ? await g.startEpisodeKernel() : undefined;
      const tty = process.stderr.isTTY && !options.json;
      const records: EpisodeRecord[] = [];
      try {
        for (let i = 0; i < episodes; i++) {
          if (tty) process.stderr.write(`\r${paint('dim', `episode ${i + 1}/${episodes} (seed ${seed + i})...`)}`);
          const record = await g.runEpisode(spec, {
            agent,
            seed: seed + i,
            ...(options.sandbox ? { sandbox: true } : { sandbox: false }),
            ...(options.record ? { record: options.record, recordAppend: true } : {}),
            ...(kernel ? { kernel } : {}),
            ...(options.socket ? { socketPath: options.socket } : {}),
            ...(agent === 'reference' && options.external ? { referenceMode: 'external' as const } : {}),
          });
          records.push(record);
          if (tty) process.stderr.write('\r\x1b[K');
          if (!options.json) {
            const failed = record.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`);
            process.stdout.write(
              `seed ${record.seed}: ${outcomeColour(record)} (${record.reason}) reward ${record.reward} in ${record.steps} steps, ${Math.round(record.wallMs)} ms wall, ${record.virtualMs} ms world${record.error ? `; ${paint('red', `[${record.error.code}]`)} ${record.error.message}` : ''}\n`,
            );
            for (const line of failed) process.stdout.write(`  ${paint('dim', '-')} ${line}\n`);
          }
        }
      } finally {
        await kernel?.close();
      }
      const succeeded = records.filter((r) => r.success).length;
      if (options.json) printJson(records);
      else process.stdout.write(`${succeeded}/${records.length} episodes succeeded${options.record ? `; trajectory in ${options.record}` : ''}\n`);
      if (succeeded !== records.length) process.exitCode = ExitCode.FAILED;
    });

  cmd
    .command('replay')
    .description('replay a recorded trajectory; exit 1 at the first step whose observation, reward or world hash differs')
    .argument('<file>', 'trajectory (JSON lines) from clove gym play --record or RecordEpisode')
    .option('--scenario <ref>', 'the scenario to replay against (default: the recorded id or source module)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { scenario?: string; json?: boolean }) => {
      const g = await gym();
      const spec = options.scenario ? await resolveSpec(g, options.scenario) : undefined;
      const report = await g.replay(resolve(file), spec ? { spec } : {});
      if (options.json) printJson(report);
      else if (report.diverged) {
        const d = report.diverged;
        process.stdout.write(
          `${paint('red', 'diverged')} at episode ${d.episode}, ${d.step === 0 ? 'reset (initial world)' : `step ${d.step}`} (line ${d.line}): ${d.field} differs\n  recorded: ${JSON.stringify(d.expected).slice(0, 500)}\n  replayed: ${JSON.stringify(d.actual).slice(0, 500)}\n`,
        );
      } else process.stdout.write(`${paint('green', 'identical')}: ${report.episodes} episode(s), ${report.steps} steps replayed with the same observations, rewards and world hashes\n`);
      if (report.diverged) process.exitCode = ExitCode.FAILED;
    });
}
