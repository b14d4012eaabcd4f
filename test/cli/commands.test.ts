import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../sdk/types.js';
import { json, NO_DIST, ROOT, runCli, withDaemon, type Daemon } from '../helpers/cli.js';
import { eventually, fixture } from '../helpers/kernel.js';

// The kernel, status and agent commands through the built CLI and a detached daemon.

const speak = fixture('cli', 'agents', 'speak-and-exit.js');
const countdown = fixture('cli', 'agents', 'countdown.js');
const quiet = fixture('agents', 'sleeper-quiet.js');
const selfKill = fixture('agents', 'self-kill.js');

/** Every command of the tree with its path, e.g. ['agent', 'run']. */
function commandsOf(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  return command.commands.flatMap((c) => [{ path: [...path, c.name()], command: c }, ...commandsOf(c, [...path, c.name()])]);
}
// The tree of the CLI as built, so the help text is compared with the same build.
const COMMANDS = NO_DIST ? [] : commandsOf(((await import(pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href)) as typeof import('../../cli/main.js')).buildProgram());

let daemon: Daemon;
beforeAll(async () => {
  if (!NO_DIST) daemon = await withDaemon();
});
afterAll(async () => {
  await daemon?.stop();
});

// These need no daemon and share nothing, so they run concurrently.
describe.skipIf(NO_DIST)(`clove CLI usage${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, { concurrent: true }, () => {
  it('prints help for the program, listing every top-level command and the exit codes', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const name of ['kernel', 'status', 'agent', 'world', 'audit']) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(stdout).toContain('Exit codes: 0 ok, 1 the operation failed, 2 bad usage, 3 no kernel');
  });

  it.each(COMMANDS.map(({ path, command }) => ({ name: path.join(' '), path, command })))(
    '`$name --help` exits 0 and mentions each of its options and subcommands',
    async ({ name, path, command }) => {
      const { code, stdout, stderr } = await runCli([...path, '--help']);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: clove ${name} `));
      for (const option of command.options) expect(stdout).toContain(option.long ?? option.flags);
      for (const sub of command.commands) expect(stdout).toMatch(new RegExp(`^  ${sub.name()}\\b`, 'm'));
    },
  );

  it.each([
    { args: ['bogus'], error: "error: unknown command 'bogus'" },
    { args: ['agent', 'bogus'], error: "error: unknown command 'bogus'" },
    { args: ['status', '--bogus'], error: "error: unknown option '--bogus'" },
    { args: ['agent', 'run', '--bogus', 'x.js'], error: "error: unknown option '--bogus'" },
    { args: ['agent', 'kill'], error: "error: missing required argument 'agent'" },
    { args: ['agent', 'run', 'x.js', '--restart', 'sometimes'], error: "error: option '--restart <policy>' argument 'sometimes' is invalid" },
    { args: ['agent', 'run', 'x.js', '--env', 'NOEQUALS'], error: "error: --env expects KEY=VALUE, got 'NOEQUALS'" },
    // Not numbers: once quietly dropped, starting the agent with no limit at all.
    { args: ['agent', 'run', 'x.js', '--pids', 'abc'], error: "error: option '--pids <n>' argument 'abc' is invalid. Expected a whole number" },
    { args: ['agent', 'run', 'x.js', '--cpu', 'lots'], error: "error: option '--cpu <cores>' argument 'lots' is invalid. Expected a number above 0" },
    { args: ['agent', 'kill', 'x', '--grace', 'soon'], error: "error: option '--grace <ms>' argument 'soon' is invalid. Expected a whole number" },
    { args: ['kernel', 'start', '--max-frame-size', 'big'], error: "error: option '--max-frame-size <bytes>' argument 'big' is invalid. Expected a byte count" },
    { args: ['world', 'validate', join(tmpdir(), 'clove-no-such-world.yaml')], error: 'error: cannot read ' },
  ].map((c) => ({ ...c, line: c.args.join(' ') })))('exits 2 with one error line for `clove $line`', async ({ args, error }) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, ...rest] = stderr.trimEnd().split('\n');
    expect(first?.startsWith(error), stderr).toBe(true);
    // No usage dump: only hints in parentheses ("(Did you mean logs?)", "(run with --help for usage)") may follow.
    expect(rest.every((l) => /^\(.+\)$/.test(l)), stderr).toBe(true);
  });

  it.each([['status'], ['agent', 'list'], ['agent', 'run', 'agent.js', '--wait'], ['agent', 'kill', 'x'], ['world', 'list'], ['kernel', 'stop']].map((args) => ({ args, line: args.join(' ') })))(
    'exits 3 with one clear line when no kernel listens: `clove $line`',
    async ({ args }) => {
      const { code, stdout, stderr } = await runCli(args);
      expect(code).toBe(3);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^error: cannot connect to the Clove kernel at \S*clove-cli-nowhere-\S*\/k\.sock \(ENOENT\): is the kernel running\? Start it with `clove kernel start`/);
    },
  );

  it('exits 3 with the error as JSON on stdout when no kernel listens: `clove status --json`', async () => {
    const { code, stdout, stderr } = await runCli(['status', '--json']);
    expect(code).toBe(3);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'CLIENT_CONNECT_FAILED', message: expect.stringMatching(/^cannot connect to the Clove kernel/) } });
  });
});

describe.skipIf(NO_DIST)('clove kernel and status', () => {
  it('shows the running kernel with `status` and as JSON with `status --json`', async () => {
    const text = await daemon.cli(['status']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^running  clove kernel \\S+ \\(protocol \\d+\\), pid ${daemon.pid}, up `));
    expect(text.stdout).toContain(`socket   ${daemon.socket}\n`);
    expect(text.stdout).toMatch(/^agents   \d+ running, \d+ known; \d+ connections$/m);

    const status = json<{ pid: number; socket: string; agents: { total: number; running: number }; system: { cpu: { count: number } } }>(await daemon.cli(['status', '--json']));
    expect(status).toMatchObject({ pid: daemon.pid, socket: daemon.socket, agents: { total: expect.any(Number), running: expect.any(Number) } });
    expect(status.system.cpu.count).toBeGreaterThan(0);
  });

  it('refuses a second kernel on a live socket and leaves the first one running', async () => {
    for (const args of [['kernel', 'start', '--detach', '--socket', daemon.socket], ['kernel', 'start', '--socket', daemon.socket]]) {
      const { code, stdout, stderr } = await runCli(args);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^error: \\[KERNEL_ALREADY_RUNNING\\] a kernel is already listening on ${daemon.socket}`));
    }
    expect(json<{ pid: number }>(await daemon.cli(['status', '--json'])).pid).toBe(daemon.pid);
  });

  it('stops the kernel with `kernel stop`, removing its socket, and replaces the socket of a killed one', async () => {
    const other = await withDaemon();
    try {
      const stopped = await other.cli(['kernel', 'stop', '--json']);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(json(stopped)).toEqual({ stopped: true, socket: other.socket, worlds_discarded: [], snapshots: [] });
      expect(existsSync(other.socket)).toBe(false);
      expect((await other.cli(['status'])).code).toBe(3);

      // A kernel killed with SIGKILL leaves its socket behind; the next start claims it.
      const again = await other.cli(['kernel', 'start', '--detach', '--socket', other.socket, '--json']);
      expect(again.code, again.stderr).toBe(0);
      const { pid } = json<{ pid: number }>(again);
      process.kill(pid, 'SIGKILL');
      await eventually(() => (isAlive(pid) ? undefined : true));
      expect(existsSync(other.socket)).toBe(true);
      const third = await other.cli(['kernel', 'start', '--detach', '--socket', other.socket, '--json']);
      expect(third.code, third.stderr).toBe(0);
      expect(json<{ pid: number }>(await other.cli(['status', '--json'])).pid).toBe(json<{ pid: number }>(third).pid);
    } finally {
      await other.stop();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(NO_DIST)('clove agent', () => {
  it.each([0, 7])("passes the agent's output through and exits with its code %i with `run --wait`", async (exit) => {
    const { code, stdout, stderr } = await daemon.cli(['agent', 'run', speak, '--wait', '--', String(exit)]);
    expect(code, stderr).toBe(exit);
    expect(stdout).toBe(`stdout says ${exit}\n`);
    expect(stderr).toMatch(new RegExp(`^stderr says ${exit}\\nagent speak-and-exit-\\d+ \\(#\\d+\\) ended: exit ${exit}\\n$`));
  });

  it('exits 137 when a signal killed the agent it waits for', async () => {
    const { code, stdout } = await daemon.cli(['agent', 'run', selfKill, '--wait']);
    expect(code).toBe(137);
    expect(stdout).toBe('about to be killed\n');
  });

  it.each([
    { signal: 'SIGTERM', exit: 143 },
    { signal: 'SIGKILL', exit: 137 },
  ])('exits $exit when `agent kill --signal $signal` ends the agent it waits for', async ({ signal, exit }) => {
    const name = `victim-${signal.toLowerCase()}`;
    const waiting = daemon.cli(['agent', 'run', quiet, '--name', name, '--wait']);
    await eventually(async () => (await listAgents()).find((a) => a.name === name && a.state === 'running'));
    const killed = await daemon.cli(['agent', 'kill', name, '--signal', signal]);
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toMatch(new RegExp(`^killed ${name} \\(#\\d+\\)`));
    const { code, stdout, stderr } = await waiting;
    expect(code, stderr).toBe(exit);
    expect(stdout).toBe('');
  });

  it('prints the ended agent record instead of its output with `run --wait --json`', async () => {
    const result = await daemon.cli(['agent', 'run', speak, '--name', 'recorded', '--wait', '--json', '--', '7']);
    expect(result.code).toBe(7);
    expect(result.stdout).not.toContain('stdout says');
    expect(json<AgentRecord>(result)).toMatchObject({ name: 'recorded', state: 'exited', exit_code: 7, signal: null, script: speak, args: ['7'] });
  });

  it('prints the started agent without waiting, and lists it with its isolation in `list --json`', async () => {
    const started = await daemon.cli(['agent', 'run', quiet, '--name', 'lister', '--json']);
    expect(started.code, started.stderr).toBe(0);
    const record = json<AgentRecord>(started);
    expect(record).toMatchObject({ name: 'lister', state: expect.stringMatching(/^(starting|running)$/) });

    const listed = (await listAgents()).find((a) => a.id === record.id);
    expect(listed?.isolation).toMatchObject({
      sandboxed: false,
      backend: 'plain',
      namespaces: expect.objectContaining({ pid: false, net: false }),
      limits: { memory: expect.objectContaining({ enforced: false }), cpu: expect.objectContaining({ enforced: false }), pids: expect.objectContaining({ enforced: false }) },
    });
    const table = await daemon.cli(['agent', 'list']);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+STATE\s+PID\s+UP\s+EXIT\s+REASON\s+ISOLATION\s+SCRIPT$/m);
    expect(table.stdout).toMatch(new RegExp(`^${record.id}\\s+lister\\s+running\\s+\\d+\\s+\\S+\\s+-\\s+-\\s+none\\s+`, 'm'));

    await daemon.cli(['agent', 'kill', 'lister', '--signal', 'SIGKILL']);
    await eventually(async () => ((await listAgents()).some((a) => a.id === record.id) ? undefined : true));
    expect((await listAgents(['--all'])).find((a) => a.id === record.id)?.state).toBe('killed');
  });

  it('prints captured output with `logs NAME`, and `logs --follow` ends when the agent ends', async () => {
    // 15 lines over 1.6 s: --follow attaches while the agent still counts.
    const started = await daemon.cli(['agent', 'run', countdown, '--name', 'counter', '--', '15']);
    expect(started.code, started.stderr).toBe(0);
    const followed = await daemon.cli(['agent', 'logs', 'counter', '--follow']);
    expect(followed.code, followed.stderr).toBe(0);
    const lines = [...Array.from({ length: 15 }, (_, i) => `count ${15 - i}`), 'liftoff'];
    expect(followed.stdout).toBe(`${lines.join('\n')}\n`);

    const logs = await daemon.cli(['agent', 'logs', 'counter']);
    expect(logs).toEqual({ code: 0, stdout: followed.stdout, stderr: '' });
    const asJson = json<{ lines: Array<{ stream: string; text: string }> }>(await daemon.cli(['agent', 'logs', 'counter', '--json']));
    expect(asJson.lines.map((l) => l.text)).toEqual(lines);
  });

  it.each(['kill', 'logs', 'pause', 'resume'])('exits 1 naming the agent when `agent %s` gets an unknown one', async (verb) => {
    const { code, stdout, stderr } = await daemon.cli(['agent', verb, 'nobody-here']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: \[AGENT_NOT_FOUND\] .*'nobody-here'/);
  });

  it('pauses and resumes an agent', async () => {
    await daemon.cli(['agent', 'run', countdown, '--name', 'pausable', '--', '1000']);
    const paused = await daemon.cli(['agent', 'pause', 'pausable']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/^pausable \(#\d+\) paused \(via \S+\)\n$/);
    expect((await listAgents()).find((a) => a.name === 'pausable')?.state).toBe('paused');

    // A frozen agent prints nothing new (the wait lets a line already in the pipe arrive first).
    await new Promise((r) => setTimeout(r, 200));
    const before = (await daemon.cli(['agent', 'logs', 'pausable'])).stdout;
    await new Promise((r) => setTimeout(r, 400));
    expect((await daemon.cli(['agent', 'logs', 'pausable'])).stdout).toBe(before);

    const resumed = json<{ agent: AgentRecord; via: string }>(await daemon.cli(['agent', 'resume', 'pausable', '--json']));
    expect(resumed.agent.state).toBe('running');
    await eventually(async () => (await daemon.cli(['agent', 'logs', 'pausable'])).stdout.length > before.length || undefined);
    await daemon.cli(['agent', 'kill', 'pausable', '--signal', 'SIGKILL']);
  });

  it('enforces --memory and --pids on a --sandbox agent and shows it in `list --json`', async (ctx) => {
    ctx.skip(process.getuid?.() !== 0, 'needs root: the namespace sandbox and cgroup limits need it (run the suite as root to cover this)');
    const status = json<{ sandbox: { backend?: string; cgroup?: { controllers?: string[] } } }>(await daemon.cli(['status', '--json']));
    const controllers = status.sandbox.cgroup?.controllers ?? [];
    ctx.skip(!controllers.includes('memory') || !controllers.includes('pids'), `the kernel has no memory and pids cgroup controllers here (it has: ${controllers.join(', ') || 'none'})`);

    const started = await daemon.cli(['agent', 'run', quiet, '--name', 'boxed', '--sandbox', '--memory', '64M', '--pids', '16']);
    expect(started.code, started.stderr).toBe(0);
    try {
      const boxed = (await listAgents()).find((a) => a.name === 'boxed');
      expect(boxed?.isolation).toMatchObject({
        sandboxed: true,
        namespaces: expect.objectContaining({ pid: true, mnt: true }),
        limits: {
          memory: { requested: 64 * 1024 * 1024, enforced: true, via: expect.any(String) },
          pids: { requested: 16, enforced: true, via: expect.any(String) },
        },
      });
      const table = await daemon.cli(['agent', 'list']);
      expect(table.stdout).toMatch(/^\d+\s+boxed\s+running\s+.*limits:memory,pids\s/m);
    } finally {
      await daemon.cli(['agent', 'kill', 'boxed', '--signal', 'SIGKILL']);
    }
  });
});

async function listAgents(extra: string[] = []): Promise<AgentRecord[]> {
  return json<AgentRecord[]>(await daemon.cli(['agent', 'list', '--json', ...extra]));
}
