import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Grant, IdentityOptions } from '../../mcp/identity.js';
import { CliError, ExitCode, printJson } from '../output.js';

const GRANT_NAMES: readonly Grant[] = ['kill', 'perms', 'worlds', 'shutdown'];
const LEVELS = ['UNRESTRICTED', 'STANDARD', 'SANDBOXED', 'READONLY', 'MINIMAL'];

interface McpCommandOptions {
  socket?: string;
  stateDir?: string;
  http?: number;
  host?: string;
  httpToken?: string;
  name?: string;
  permissions?: string;
  grant?: Grant[];
  workspace?: string;
  world?: string;
  sandbox?: boolean;
  json?: boolean;
}

function collectGrants(text: string, into: Grant[] | undefined): Grant[] {
  const grants = text.split(',').map((g) => g.trim()).filter(Boolean);
  for (const g of grants) if (!GRANT_NAMES.includes(g as Grant)) throw new InvalidArgumentError(`'${g}' is not a grant; grants are ${GRANT_NAMES.join(', ')}.`);
  return [...new Set([...(into ?? []), ...(grants as Grant[])])];
}

function port(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError('Expected a port number 0-65535 (0: any free port).');
  return Number(text);
}

/** `--permissions`: a level name, a JSON permission object, or @file holding one. */
export function parsePermissions(text: string): string | Record<string, unknown> {
  if (LEVELS.includes(text.toUpperCase())) return text.toUpperCase();
  let json = text;
  if (text.startsWith('@')) {
    try {
      json = readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      throw new CliError(`--permissions ${text}: cannot read ${text.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.USAGE, 'CLI_USAGE');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CliError(`--permissions: '${text.length > 60 ? `${text.slice(0, 57)}...` : text}' is neither a level (${LEVELS.join(', ')}) nor a JSON permission object (or @file with one)`, ExitCode.USAGE, 'CLI_USAGE');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('--permissions: the JSON must be an object such as {"level":"READONLY","http":{"allowed":true,"domains":["api.example.com"]}}', ExitCode.USAGE, 'CLI_USAGE');
  return value as Record<string, unknown>;
}

export function mcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('serve the kernel to MCP clients (Claude Desktop, IDEs, agent frameworks) over stdio, or Streamable HTTP with --http')
    .option('--socket <path>', 'use the kernel running at this socket (default: $CLOVE_SOCKET if set, else start a kernel in this process)')
    .option('--state-dir <dir>', 'state directory of the embedded kernel, kept after exit (its audit.log); default a temporary one')
    .option('--http <port>', 'serve Streamable HTTP on this port (0: any free port) instead of stdio', port)
    .option('--host <host>', 'address for --http (default 127.0.0.1, this machine only)')
    .option('--http-token <token>', 'bearer token HTTP clients must send (default: $CLOVE_MCP_HTTP_TOKEN, else a random one, printed at start)')
    .option('--name <name>', 'agent name of the MCP identity (default mcp-<pid>)')
    .option('--permissions <level|json|@file>', `rights of the MCP identity: ${LEVELS.join(', ')}, a JSON permission object, or @file (default SANDBOXED)`)
    .option('--grant <grants>', `operator rights for the identity, comma-separated or repeated: ${GRANT_NAMES.join(', ')} (default none)`, collectGrants)
    .option('--workspace <dir>', "the identity's working directory: {workspace} in permissions, base of relative paths (default: the current directory)")
    .option('--world <name|file.yaml>', 'act inside a world (its files, network, clock and LLM) instead of on the host: a world of the kernel, or a world YAML file created for the session and destroyed at its end')
    .option('--sandbox', "run the identity (and the commands of clove_exec) in the kernel's sandbox")
    .option('--json', 'with --http, print the endpoint as JSON ({ url, token, agent }) on stdout')
    .addHelpText(
      'after',
      `
MCP clients never act as the operator: clove mcp spawns an agent (the identity) with the rights
given here, and every tool call is made with that agent's token, so the kernel checks its
permissions and writes its name in the audit log. A refused call is an MCP tool error carrying
the Clove code (PERM_DENIED, KERNEL_FORBIDDEN, ...). World tools need --grant worlds.

Over stdio, stdout carries the protocol only; notes go to stderr. The server ends when the client
closes stdin, or on SIGINT/SIGTERM. See docs/mcp.md for client configuration.

Examples:
  clove mcp                                      # embedded kernel, SANDBOXED identity
  clove mcp --socket /run/clove/kernel.sock --permissions READONLY
  clove mcp --grant worlds --permissions STANDARD --http 8765

Exit codes: 0 the client ended the session, 1 failed (e.g. the identity could not start),
2 bad usage, 3 no kernel at --socket.`,
    )
    .action(async (options: McpCommandOptions) => {
      if (options.host !== undefined && options.http === undefined) throw new CliError('--host applies to --http: give the port with --http <port>', ExitCode.USAGE, 'CLI_USAGE');
      if (options.json && options.http === undefined) throw new CliError('--json applies to --http (over stdio, stdout carries the MCP protocol)', ExitCode.USAGE, 'CLI_USAGE');
      if (options.socket !== undefined && options.stateDir !== undefined) throw new CliError('--state-dir is for the embedded kernel; a kernel at --socket keeps its own state directory', ExitCode.USAGE, 'CLI_USAGE');
      const identity: IdentityOptions = {
        ...(options.name ? { name: options.name } : {}),
        ...(options.permissions ? { permissions: parsePermissions(options.permissions) } : {}),
        ...(options.grant ? { grants: options.grant } : {}),
        ...(options.workspace ? { workspace: options.workspace } : {}),
        ...(options.world ? { world: options.world } : {}),
        ...(options.sandbox ? { sandboxed: true } : {}),
      };
      const { startMcp } = await import('../../mcp/service.js');
      const socket = options.socket ?? process.env.CLOVE_SOCKET;
      const httpToken = options.httpToken ?? process.env.CLOVE_MCP_HTTP_TOKEN;
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const running = await startMcp({
        ...(socket ? { socket } : {}),
        ...(options.stateDir ? { stateDir: options.stateDir } : {}),
        identity,
        ...(options.http !== undefined ? { httpPort: options.http } : {}),
        ...(options.host ? { httpHost: options.host } : {}),
        ...(httpToken ? { httpToken } : {}),
        log,
      });
      const stop = () => void running.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (running.http) {
        const agent = { id: running.identity.agentId, name: running.identity.name };
        if (options.json) printJson({ url: running.http.url, token: running.http.token, agent });
        else {
          log(`clove mcp: Streamable HTTP at ${running.http.url}`);
          if (!httpToken) log(`clove mcp: bearer token ${running.http.token}`);
        }
      }
      await running.done;
      await running.close();
    });
}
