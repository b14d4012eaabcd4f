import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AgentRecord, CloveClient, LogsResponse, SpawnRequest } from '../../sdk/index.js';
import { AGENT_RUNNERS } from '../../kernel/script-runtime.js';
import { parseAgentRef } from '../../sdk/agent-ref.js';
import { isAlive } from '../../sdk/agent-state.js';
import { withClient } from '../connection.js';
import { CliError, ExitCode, formatAge, paint, printRecord, printTable } from '../output.js';

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGTERM: 15 };

/** Shell convention: the agent's code, or 128 + signal number when a signal ended it. */
export function exitCodeOf(record: AgentRecord): number {
  if (record.exitCode !== null) return record.exitCode;
  if (record.signal) return 128 + (SIGNAL_NUMBERS[record.signal] ?? 0);
  return record.state === 'failed' ? ExitCode.FAILED : 0;
}

// Option parsers that refuse what is not a number: `--pids abc` is a usage error, not an agent without a limit.
function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a whole number, e.g. 16.');
  return Number(value);
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Expected a number above 0, e.g. 0.5.');
  return n;
}

const ref = parseAgentRef;

function isolationSummary(a: AgentRecord): string {
  const iso = a.isolation;
  if (!iso.sandboxed) return 'none';
  const ns = Object.entries(iso.namespaces).filter(([, on]) => on).map(([n]) => n);
  const limits = Object.entries(iso.limits).filter(([, l]) => l.enforced).map(([n]) => n);
  return [`ns:${ns.join(',') || '-'}`, `limits:${limits.join(',') || '-'}`].join(' ');
}

/** Streams an agent's log lines to this terminal (or as JSON lines) until it ends. */
async function follow(client: CloveClient, agent: number | string, options: { json?: boolean } = {}): Promise<void> {
  const print = (lines: LogsResponse['lines']) => {
    for (const line of lines) {
      if (options.json) process.stdout.write(`${JSON.stringify(line)}\n`);
      else (line.stream === 'stderr' ? process.stderr : process.stdout).write(`${line.text}\n`);
    }
  };
  let since = 0;
  for (;;) {
    const batch = await client.logs(agent, { sinceSeq: since, waitMs: 1000 });
    print(batch.lines);
    since = batch.nextSeq;
    if (batch.lines.length === 0) {
      const [record] = (await client.list({ all: true })).filter((a) => a.id === batch.agentId);
      if (!record || !isAlive(record.state)) {
        print((await client.logs(agent, { sinceSeq: since })).lines);
        return;
      }
    }
  }
}

interface RunOptions {
  socket?: string;
  name?: string;
  wait?: boolean;
  json?: boolean;
  sandbox?: boolean;
  memory?: string;
  cpu?: number;
  pids?: number;
  network?: boolean;
  restart?: 'never' | 'on-failure' | 'always';
  maxRestarts?: number;
  world?: string;
  grant?: string[];
  env?: string[];
  passEnv?: string[];
  quiet?: boolean;
}

export function agentCommand(program: Command): void {
  const agent = program.command('agent').description('run, list, stop and inspect agents');

  agent
    .command('run')
    .description(`start an agent: ${AGENT_RUNNERS} (node agents run as ES modules and can import clove/sdk from any directory)`)
    .argument('<script>', 'the agent script or executable')
    .argument('[args...]', 'arguments for the agent (put them after --)')
    .option('--socket <path>', 'kernel socket path')
    .option('--name <name>', 'agent name (unique among running agents)')
    .option('--wait', "wait for the agent to end, print its output and why it ended, and exit with the agent's exit code; Ctrl-C stops the agent")
    .option('-q, --quiet', 'with --wait: do not print the agent output')
    .option('--json', 'print the agent record as JSON')
    .option('--sandbox', 'run in a sandbox (namespaces, cgroups, unprivileged user)')
    .option('--memory <size>', 'memory limit, e.g. 64M')
    .option('--cpu <cores>', 'CPU quota in cores, e.g. 0.5', positiveNumber)
    .option('--pids <n>', 'maximum processes', wholeNumber)
    .option('--network', 'allow network access inside the sandbox')
    .addOption(new Option('--restart <policy>', 'restart policy').choices(['never', 'on-failure', 'always']))
    .option('--max-restarts <n>', 'give up after this many restarts in the window', wholeNumber)
    .option('--world <name>', 'join this world')
    .option('--grant <right...>', 'operator rights for the agent: kill, perms, worlds, shutdown')
    .option('-e, --env <KEY=VALUE...>', 'environment variables for the agent (agents start with a clean environment: PATH, HOME, LANG, TZ, CLOVE_*, PYTHONPATH)')
    .option('--pass-env <KEY...>', "pass these variables from this shell's environment to the agent")
    .action(async (script: string, args: string[], options: RunOptions) => {
      const request: SpawnRequest = { script: resolve(script), args, cwd: process.cwd() };
      if (options.name) request.name = options.name;
      if (options.sandbox) request.sandboxed = true;
      if (options.network) request.network = true;
      if (options.memory !== undefined || options.cpu !== undefined || options.pids !== undefined) {
        request.limits = {};
        if (options.memory !== undefined) request.limits.memory = options.memory;
        if (options.cpu !== undefined) request.limits.cpuQuota = options.cpu;
        if (options.pids !== undefined) request.limits.maxPids = options.pids;
      }
      if (options.restart) request.restart = { policy: options.restart, ...(options.maxRestarts !== undefined ? { maxRestarts: options.maxRestarts } : {}) };
      if (options.world) request.world = options.world;
      if (options.grant) request.grants = options.grant as SpawnRequest['grants'];
      if (options.env || options.passEnv) {
        request.env = {};
        for (const key of options.passEnv ?? []) {
          const value = process.env[key];
          if (value === undefined) throw new CliError(`--pass-env ${key}: ${key} is not set in this shell's environment`, ExitCode.USAGE);
          request.env[key] = value;
        }
        for (const pair of options.env ?? []) {
          const eq = pair.indexOf('=');
          if (eq <= 0) throw new CliError(`--env expects KEY=VALUE, got '${pair}'`, ExitCode.USAGE);
          request.env[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
      }
      const code = await withClient(options, async (client) => {
        const started = await client.spawn(request);
        if (!options.wait) {
          if (options.json) printRecord(started);
          else process.stdout.write(`started agent ${started.name} (#${started.id}, pid ${started.pid})\n`);
          return ExitCode.OK;
        }
        // Ctrl-C while waiting stops the agent (SIGTERM, then SIGKILL after the grace period), says so,
        // and the command then ends like the agent did.
        const onInterrupt = (): void => {
          process.stderr.write(`\ninterrupted: stopping agent ${started.name} (#${started.id}); it does not keep running\n`);
          void client.kill(started.id, { signal: 'SIGTERM' }).catch(() => undefined);
        };
        process.once('SIGINT', onInterrupt);
        try {
          if (!options.json && !options.quiet) await follow(client, started.id);
          const ended = await client.wait(started.id);
          if (options.json) printRecord(ended);
          else process.stderr.write(`${paint(ended.exitCode === 0 ? 'green' : 'yellow', 'agent')} ${ended.name} (#${ended.id}) ended: ${ended.endReason ?? ended.state}\n`);
          return exitCodeOf(ended);
        } finally {
          process.off('SIGINT', onInterrupt);
        }
      });
      process.exitCode = code;
    });

  agent
    .command('list')
    .description('list running agents (and those that gave up restarting) with their state, why they ended and the isolation really in force')
    .option('--socket <path>', 'kernel socket path')
    .option('-a, --all', 'include agents that have ended')
    .option('--json', 'print the agent records as JSON')
    .action(async (options: { socket?: string; all?: boolean; json?: boolean }) => {
      const agents = await withClient(options, (c) => c.list({ all: options.all ?? false }));
      if (options.json) return printRecord(agents);
      if (agents.length === 0) return void process.stdout.write('no agents\n');
      printTable(
        ['ID', 'NAME', 'STATE', 'PID', 'UP', 'EXIT', 'REASON', 'ISOLATION', 'SCRIPT'],
        agents.map((a) => [a.id, a.name, a.state, a.pid, formatAge(a.startedAt, a.endedAt), a.exitCode ?? a.signal, a.endReason, isolationSummary(a), a.script]),
      );
    });

  agent
    .command('kill')
    .description('stop an agent: SIGTERM, then SIGKILL after the grace period')
    .argument('<agent>', 'agent name or id')
    .option('--socket <path>', 'kernel socket path')
    .option('-s, --signal <signal>', 'signal to send (SIGTERM, SIGKILL, SIGINT, ...)', 'SIGTERM')
    .option('--grace <ms>', 'grace period before SIGKILL', wholeNumber)
    .option('--json', 'print the result as JSON')
    .action(async (target: string, options: { socket?: string; signal: string; grace?: number; json?: boolean }) => {
      const result = await withClient(options, (c) =>
        c.kill(ref(target), { signal: options.signal.toUpperCase() as NodeJS.Signals, ...(options.grace !== undefined ? { graceMs: options.grace } : {}) }),
      );
      if (options.json) return printRecord(result);
      const a = result.agent;
      const alive = isAlive(a.state);
      if (result.killed) process.stdout.write(`killed ${a.name} (#${a.id}): ${a.state}\n`);
      else if (alive) process.stdout.write(`sent ${options.signal.toUpperCase()} to ${a.name} (#${a.id}); it is ${a.state}\n`);
      else process.stdout.write(`${a.name} (#${a.id}) was not running (${a.state})\n`);
    });

  agent
    .command('logs')
    .description("print an agent's captured stdout and stderr")
    .argument('<agent>', 'agent name or id')
    .option('--socket <path>', 'kernel socket path')
    .option('-f, --follow', 'keep printing new output until the agent ends')
    .option('--json', 'print the log lines as JSON (one object per line with --follow)')
    .action(async (target: string, options: { socket?: string; follow?: boolean; json?: boolean }) => {
      await withClient(options, async (c) => {
        if (options.follow) return follow(c, ref(target), { json: options.json ?? false });
        const logs = await c.logs(ref(target), { max: 100_000 });
        if (options.json) return printRecord(logs);
        if (logs.dropped > 0) process.stderr.write(paint('yellow', `(${logs.dropped} older lines were dropped)\n`));
        for (const line of logs.lines) (line.stream === 'stderr' ? process.stderr : process.stdout).write(`${line.text}\n`);
      });
    });

  for (const [name, verb] of [
    ['pause', 'freeze an agent (cgroup freezer, or SIGSTOP without one)'],
    ['resume', 'thaw a paused agent'],
  ] as const) {
    agent
      .command(name)
      .description(verb)
      .argument('<agent>', 'agent name or id')
      .option('--socket <path>', 'kernel socket path')
      .option('--json', 'print the result as JSON')
      .action(async (target: string, options: { socket?: string; json?: boolean }) => {
        const result = await withClient(options, (c) => (name === 'pause' ? c.pause(ref(target)) : c.resume(ref(target))));
        if (options.json) return printRecord(result);
        process.stdout.write(`${result.agent.name} (#${result.agent.id}) ${result.agent.state} (via ${result.via})\n`);
      });
  }
}
