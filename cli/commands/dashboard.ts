import { InvalidArgumentError, type Command } from 'commander';
import { socketPathOf } from '../connection.js';
import { CliError, ExitCode, paint } from '../output.js';

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('Expected a port number from 0 to 65535 (0 picks a free one).');
  return Number(value);
}

interface DashboardCliOptions {
  socket?: string;
  port?: number;
  host?: string;
  results?: string;
  embedded?: boolean;
  wait?: boolean;
  json?: boolean;
}

export function dashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve a local web dashboard: live agents, worlds, events, the audit log, and a viewer for bench results and gym recordings')
    .option('--socket <path>', 'kernel socket path')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', port, 7420)
    .option('--host <address>', 'address to listen on; anything but loopback lets other machines reach the sign-in page', '127.0.0.1')
    .option('--results <dir>', 'a `clove bench run` output directory, or a folder of runs and gym recordings (.jsonl), for the results viewer')
    .option('--embedded', 'start a kernel inside the dashboard instead of connecting to a running one')
    .option('--wait', 'start even when no kernel answers yet, and connect once one does')
    .option('--json', 'print {url, loginUrl, port, socket, embedded} as one JSON line once it listens')
    .addHelpText(
      'after',
      `
The page needs the kernel's operator token: open the URL printed (it carries ?token= once; the
server swaps it for an HttpOnly session cookie), or sign in with the contents of operator.token
from the kernel's state directory. Scripts may send "Authorization: Bearer <token>" instead.
Requests without either get 401; changes from other origins get 403; no CORS headers are sent.
The page reconnects by itself when the kernel restarts. Ctrl-C stops the dashboard (and an
--embedded kernel with it). See docs/dashboard.md.

Examples:
  clove dashboard                                  # the kernel at CLOVE_SOCKET / the default socket
  clove dashboard --embedded --results bench-out   # no daemon needed; view a bench run
  clove dashboard --port 0 --json                  # a free port, printed as JSON`,
    )
    .action(async (options: DashboardCliOptions) => {
      // Loaded here: hono and the dashboard are needed by this command only.
      const { startDashboard, DashboardError } = await import('../../dashboard/index.js');
      let dashboard;
      try {
        dashboard = await startDashboard({
          ...(options.embedded ? { embedded: { handleSignals: false } } : { socketPath: socketPathOf(options) }),
          port: options.port ?? 7420,
          ...(options.host ? { host: options.host } : {}),
          ...(options.results ? { results: options.results } : {}),
          requireKernel: !options.wait,
        });
      } catch (error) {
        if (error instanceof DashboardError) {
          const exit = error.code === 'DASHBOARD_KERNEL_DOWN' ? ExitCode.NO_KERNEL : error.code === 'DASHBOARD_RESULTS_MISSING' ? ExitCode.USAGE : ExitCode.FAILED;
          throw new CliError(error.message, exit, error.code);
        }
        throw error;
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ url: dashboard.url, loginUrl: dashboard.loginUrl, port: dashboard.port, socket: dashboard.socketPath, embedded: dashboard.embedded !== null })}\n`);
      else {
        process.stdout.write(`${paint('green', 'dashboard')} on ${dashboard.url} (kernel ${dashboard.kernel.up ? `at ${dashboard.socketPath}` : `not answering yet on ${dashboard.socketPath}`})\n`);
        process.stdout.write(`open ${dashboard.loginUrl}\n`);
        if (options.host && !['127.0.0.1', 'localhost', '::1'].includes(options.host)) {
          process.stderr.write(paint('yellow', `listening on ${options.host}: other machines can reach the sign-in page; the operator token still guards it, but traffic is plain HTTP\n`));
        }
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await dashboard.close();
    });
}
