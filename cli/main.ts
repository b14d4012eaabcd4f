import { Command, CommanderError } from 'commander';
import { CloveError } from '../sdk/index.js';
import { packageInfo } from '../kernel/package-root.js';
import { agentCommand } from './commands/agent.js';
import { auditCommand } from './commands/audit.js';
import { benchCommand } from './commands/bench.js';
import { dashboardCommand } from './commands/dashboard.js';
import { gymCommand } from './commands/gym.js';
import { kernelCommand } from './commands/kernel.js';
import { mcpCommand } from './commands/mcp.js';
import { reportCommand } from './commands/report.js';
import { statusCommand } from './commands/status.js';
import { worldCommand } from './commands/world.js';
import { CliError, ExitCode, paint, printJson } from './output.js';

/** Builds the `clove` command tree; exported so tests can run it in-process. */
export function buildProgram(): Command {
  const program = new Command('clove')
    .description('Clove: a kernel for AI agents, with sandboxes, worlds, gym episodes and benchmarks')
    .version(packageInfo().version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  kernelCommand(program);
  statusCommand(program);
  agentCommand(program);
  worldCommand(program);
  auditCommand(program);
  benchCommand(program);
  reportCommand(program);
  gymCommand(program);
  dashboardCommand(program);
  mcpCommand(program);
  program.addHelpText(
    'after',
    `
Environment:
  CLOVE_SOCKET   kernel socket path (same as --socket)
  NO_COLOR       disable colours

Exit codes: 0 ok, 1 the operation failed, 2 bad usage, 3 no kernel at the socket;
\`agent run --wait\` exits with the agent's own code (128+N when signal N ended it).`,
  );
  return program;
}

/** Kernel error codes that mean "your input was wrong": the CLI exits 2 for them, as for its own usage errors. */
export const BAD_INPUT_CODES: ReadonlySet<string> = new Set([
  'KERNEL_BAD_REQUEST',
  'KERNEL_PAYLOAD_INVALID',
  'EVENT_TYPE_INVALID',
  'WORLD_SCHEMA_INVALID',
  'SANDBOX_INVALID_LIMIT',
  'PERM_INVALID',
]);

/**
 * Global flags may come before the command (`clove --socket X status`, `clove --json world list`):
 * `--socket` becomes CLOVE_SOCKET (every command reads it), `--json` moves behind the command.
 */
export function hoistGlobalFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const rest = [...argv];
  let json = false;
  for (;;) {
    const first = rest[0];
    if (first === '--json') {
      json = true;
      rest.shift();
    } else if (first === '--socket' && rest.length > 1) {
      env.CLOVE_SOCKET = rest[1];
      rest.splice(0, 2);
    } else if (first?.startsWith('--socket=')) {
      env.CLOVE_SOCKET = first.slice('--socket='.length);
      rest.shift();
    } else break;
  }
  if (json) {
    const dashes = rest.indexOf('--');
    rest.splice(dashes === -1 ? rest.length : dashes, 0, '--json');
  }
  return rest;
}

function wantsJson(argv: string[]): boolean {
  const dashes = argv.indexOf('--');
  return (dashes === -1 ? argv : argv.slice(0, dashes)).includes('--json');
}

function quietCommander(command: Command, sink: (text: string) => void): void {
  command.configureOutput({ writeErr: sink, outputError: (text) => sink(text) });
  for (const sub of command.commands) quietCommander(sub, sink);
}

/** One failure, as text on stderr or as `{ error: { code, message, details } }` on stdout with --json. */
function report(json: boolean, code: string, message: string, details: Record<string, unknown> | null, exitCode: number, showCode = true): number {
  if (json) printJson({ error: { code, message, details } });
  else process.stderr.write(`${paint('red', 'error:')} ${showCode ? `[${code}] ` : ''}${message}\n`);
  return exitCode;
}

export async function main(argv: string[]): Promise<number> {
  const args = hoistGlobalFlags(argv);
  const json = wantsJson(args);
  const program = buildProgram();
  let usage = '';
  if (json) quietCommander(program, (text) => (usage += text));
  try {
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode === 0) return ExitCode.OK;
      if (json) return report(true, 'CLI_USAGE', (usage || error.message).replace(/^error: /, '').trim(), { commander: error.code }, ExitCode.USAGE);
      return ExitCode.USAGE;
    }
    if (error instanceof CliError) {
      return report(json, error.code, error.message, error.details ?? null, error.exitCode, false);
    }
    // Any other Clove error (the kernel's answer, a world's, a gym's...): its code is shown and kept.
    if (error instanceof CloveError) {
      const exit = error.code === 'CLIENT_CONNECT_FAILED' ? ExitCode.NO_KERNEL : BAD_INPUT_CODES.has(error.code) ? ExitCode.USAGE : ExitCode.FAILED;
      return report(json, error.code, error.message, error.details ?? null, exit);
    }
    return report(json, 'CLI_FAILED', (error as Error).message ?? String(error), null, ExitCode.FAILED, false);
  }
}
