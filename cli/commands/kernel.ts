import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { KernelAlreadyRunningError } from '../../kernel/errors.js';
import { probeSocket } from '../../kernel/socket-path.js';
import { stateDirFor } from '../../sdk/socket-path.js';
import { isByteQuota, parseQuotaValue, QUOTA_DEFAULTS, quotaByWireName, wireName, type QuotaName } from '../../kernel/quota/quotas.js';
import { socketPathOf, withClient } from '../connection.js';
import { CliError, ExitCode, paint, printJson } from '../output.js';

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** `--quota name=value`: a known quota and a positive value (byte quotas take "64M"). */
function collectQuota(text: string, into: Record<string, number> | undefined): Record<string, number> {
  const m = /^([a-z_]+)=(.+)$/.exec(text.trim());
  const name = m ? quotaByWireName(m[1]!) : undefined;
  if (!m || !name) {
    throw new InvalidArgumentError(`Expected name=value with one of: ${Object.keys(QUOTA_DEFAULTS).map((k) => wireName(k as QuotaName)).join(', ')}.`);
  }
  const value = parseQuotaValue(name, m[2]);
  if (value === undefined) throw new InvalidArgumentError(`${m[1]}: expected a positive ${isByteQuota(name) ? 'byte count or size such as 64M' : 'integer'}.`);
  return { ...into, [wireName(name)]: value };
}

export function kernelCommand(program: Command): void {
  const kernel = program.command('kernel').description('start and stop the kernel daemon');

  kernel
    .command('start')
    .description('start the kernel daemon on a Unix socket (in the foreground unless --detach)')
    .option('--socket <path>', 'socket path (default: $CLOVE_SOCKET, $XDG_RUNTIME_DIR/clove/kernel.sock or /tmp/clove-<uid>/kernel.sock)')
    .option('--detach', 'run in the background; output goes to kernel.log in the state directory (the socket\'s directory, or <socket>.state when that is shared like /tmp)')
    .option('--max-frame-size <bytes>', 'largest frame accepted', (v) => {
      // Refused here: a NaN would quietly start the kernel with the default size.
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('Expected a byte count, e.g. 1048576.');
      return Number(v);
    })
    .option('--plain-agents-as-root', 'when the kernel runs as root, run unsandboxed agents as root too (default: as uid 65534, so they cannot read the operator token or signal the kernel)')
    .option('--agent-tmp-size <size>', "size of each sandbox's private /tmp, /var/tmp and /dev/shm (tmpfs), e.g. 64M (default 64M)", (v) => {
      if (!/^\d+(\.\d+)?\s*[kmgKMG]?(i?[bB])?$/.test(v)) throw new InvalidArgumentError('Expected a size such as 64M or 1G.');
      return v;
    })
    .option(
      '--quota <name=value>',
      `set a resource quota (repeatable), e.g. --quota store_bytes=128M --quota emit_rate=500; quotas: ${Object.keys(QUOTA_DEFAULTS)
        .map((k) => wireName(k as QuotaName))
        .join(', ')} (defaults in docs/protocol.md#resource-quotas)`,
      collectQuota,
    )
    .option('--json', 'print the started kernel as JSON')
    .action(async (options: { socket?: string; detach?: boolean; maxFrameSize?: number; quota?: Record<string, number>; json?: boolean; plainAgentsAsRoot?: boolean; agentTmpSize?: string }) => {
      const socketPath = socketPathOf(options);
      if (options.detach) {
        const dir = stateDirFor(socketPath);
        mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const logFile = join(dir, 'kernel.log');
        const out = openSync(logFile, 'a', 0o600);
        const logStart = statSync(logFile).size;
        const main = fileURLToPath(new URL('../bin.js', import.meta.url));
        const args = [...process.execArgv, main, 'kernel', 'start', '--socket', socketPath];
        if (options.maxFrameSize) args.push('--max-frame-size', String(options.maxFrameSize));
        if (options.plainAgentsAsRoot) args.push('--plain-agents-as-root');
        if (options.agentTmpSize) args.push('--agent-tmp-size', options.agentTmpSize);
        for (const [name, value] of Object.entries(options.quota ?? {})) args.push('--quota', `${name}=${value}`);
        if (await probeSocket(socketPath)) throw new KernelAlreadyRunningError(socketPath);
        const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
        child.unref();
        const exited = new Promise<boolean>((r) => child.once('exit', () => r(true)));
        const up = await Promise.race([waitFor(() => probeSocket(socketPath), 15_000), exited.then(() => false)]);
        if (!up) {
          // The reason is what this attempt wrote to the log: its last lines, not only where to look.
          const said = readFileSync(logFile).subarray(logStart).toString('utf8').trim().split('\n').filter(Boolean);
          const reason = said.filter((l) => !/^\s+at /.test(l)).slice(-3).join(' | ') || 'it wrote nothing';
          throw new CliError(`the kernel did not start: ${reason} (full log: ${logFile})`, ExitCode.FAILED, 'KERNEL_START_FAILED', { log: logFile, output: said.slice(-20) });
        }
        if (options.json) printJson({ pid: child.pid, socket: socketPath, log: logFile });
        else process.stdout.write(`kernel started (pid ${child.pid}) on ${socketPath}; log: ${logFile}\n`);
        return;
      }
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      // Loaded here, not at the top: every other command starts without the kernel and world engine.
      const { startKernel } = await import('../../kernel/index.js');
      const sandbox = {
        ...(options.plainAgentsAsRoot ? { plainUser: 'kernel' as const } : {}),
        ...(options.agentTmpSize ? { tmpSize: options.agentTmpSize } : {}),
      };
      const handle = await startKernel({ socketPath, handleSignals: false, log, sandbox, quotas: options.quota ?? {}, ...(options.maxFrameSize ? { maxFrameSize: options.maxFrameSize } : {}) });
      if (options.json) printJson({ pid: process.pid, socket: handle.socketPath, token_file: handle.tokenFile });
      else log(`kernel ${handle.kernel.version} listening on ${handle.socketPath} (pid ${process.pid}); operator token in ${handle.tokenFile}`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log(`received ${signal}: stopping agents and shutting down`);
          void handle.close().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
        void handle.kernel.closed.then(resolve);
      });
    });

  kernel
    .command('stop')
    .description('stop the kernel: agents get SIGTERM, then SIGKILL after a grace period; worlds and the state store live in memory and are discarded (--snapshot-worlds keeps the worlds)')
    .option('--socket <path>', 'socket path')
    .option('--snapshot-worlds <dir>', 'first write every world to <dir>/<name>.clove-snapshot (restore with `clove world restore`)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { socket?: string; json?: boolean; snapshotWorlds?: string }) => {
      const socketPath = socketPathOf(options);
      const { worlds, snapshots } = await withClient(options, async (c) => {
        const names = (await c.worldList()).map((w) => w.name);
        const written: string[] = [];
        if (options.snapshotWorlds !== undefined) {
          const dir = resolve(options.snapshotWorlds);
          mkdirSync(dir, { recursive: true });
          for (const name of names) written.push(String((await c.worldSnapshot(name, join(dir, `${name}.clove-snapshot`))).path));
        }
        await c.shutdownKernel();
        return { worlds: names, snapshots: written };
      });
      const gone = await waitFor(async () => !(await probeSocket(socketPath)), 30_000);
      if (!gone) throw new CliError(`the kernel on ${socketPath} did not stop within 30 s`);
      const discarded = snapshots.length > 0 ? [] : worlds;
      if (options.json) return printJson({ stopped: true, socket: socketPath, worlds_discarded: discarded, snapshots });
      process.stdout.write(`${paint('green', 'stopped')} kernel on ${socketPath}\n`);
      if (snapshots.length > 0) process.stdout.write(`snapshotted ${snapshots.length} world(s): ${snapshots.join(', ')}\n`);
      if (discarded.length > 0) {
        process.stdout.write(`discarded ${discarded.length} world(s) (${discarded.join(', ')}): worlds live in memory; next time keep them with --snapshot-worlds DIR\n`);
      }
    });
}
