import { Command, CommanderError } from 'commander';
import { CloveError } from '../sdk/index.js';
import { packageInfo } from '../kernel/package-root.js';
import { agentCommand } from './commands/agent.js';
import { auditCommand } from './commands/audit.js';
import { gymCommand } from './commands/gym.js';
import { kernelCommand } from './commands/kernel.js';
import { statusCommand } from './commands/status.js';
import { worldCommand } from './commands/world.js';
import { CliError, ExitCode, paint } from './output.js';

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
  gymCommand(program);
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

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (error instanceof CliError) {
      process.stderr.write(`${paint('red', 'error:')} ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CloveError) {
      process.stderr.write(`${paint('red', 'error:')} [${error.code}] ${error.message}\n`);
      return error.code === 'CLIENT_CONNECT_FAILED' ? ExitCode.NO_KERNEL : ExitCode.FAILED;
    }
    process.stderr.write(`${paint('red', 'error:')} ${(error as Error).message ?? String(error)}\n`);
    return ExitCode.FAILED;
  }
}
