import { CloveError, toError } from '../../sdk/errors.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { bad, optInt, optObj, optStr, type Args } from '../args.js';
import { KernelError } from '../errors.js';
import { checkCommand } from '../permissions/index.js';
import { EXEC_DEFAULTS } from '../sandbox/exec.js';
import { runExec, type ExecRequest } from '../sandbox/index.js';
import { syscalls } from '../syscall.js';

function command(args: Args): string | string[] {
  const value = args.command;
  if (typeof value === 'string' && value.trim().length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  throw bad('EXEC', 'command', 'a non-empty shell command string or an argv array of strings', value);
}

export const execSyscalls = syscalls({
  op: 'EXEC',
  access: 'authenticated',
  async handle(ctx, args) {
    const cmd = command(args);
    if (args.args !== undefined && args.args !== null) throw bad('EXEC', 'args', 'absent: put arguments in command (a shell string or an argv array)', args.args);
    const env = optObj('EXEC', args, 'env') as Record<string, string> | undefined;
    const request: ExecRequest = {
      command: cmd,
      timeoutMs: optInt('EXEC', args, 'timeout_ms', 1, EXEC_DEFAULTS.maxTimeoutMs) ?? EXEC_DEFAULTS.timeoutMs,
      maxOutputBytes: optInt('EXEC', args, 'max_output_bytes', 1, EXEC_DEFAULTS.maxMaxOutputBytes) ?? EXEC_DEFAULTS.maxOutputBytes,
      ...(optStr('EXEC', args, 'cwd') ? { cwd: optStr('EXEC', args, 'cwd') } : {}),
      ...(env ? { env } : {}),
      ...(optStr('EXEC', args, 'stdin') !== undefined ? { stdin: optStr('EXEC', args, 'stdin') } : {}),
    };
    const caller = ctx.caller;
    if (caller.role === 'agent') {
      const agent = caller.agent;
      const line = typeof cmd === 'string' ? cmd : cmd.join(' ');
      const decision = checkCommand(agent.permissions, line);
      if (!decision.allowed) throw ctx.kernel.denied(ctx, line, decision.rule, decision.reason);
      if (!agent.sandbox) throw new KernelError(ErrorCode.AGENT_NOT_RUNNING, `EXEC: agent '${agent.name}' has no running process to run the command beside`);
      return agent.sandbox.exec({ cwd: agent.request.cwd ?? process.cwd(), ...request }).catch((error: unknown) => {
        // A sandbox error (SANDBOX_AGENT_NOT_RUNNING, ...) says more than EXEC_FAILED; anything else could not start the command.
        throw error instanceof CloveError ? error : new KernelError(ErrorCode.EXEC_FAILED, `EXEC: ${toError(error).message}`);
      });
    }
    // Operators run on the host as the kernel's user.
    const env0 = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>;
    return runExec({ command: null, args: async () => [], cwd: process.cwd(), env: env0 }, request).catch((error: Error) => {
      throw new KernelError(ErrorCode.EXEC_FAILED, `EXEC: ${error.message}`);
    });
  },
});
