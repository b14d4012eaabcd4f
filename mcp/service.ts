import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startKernel, type KernelHandle } from '../kernel/index.js';
import { EnvTable } from './gym-tools.js';
import { serveHttp, type HttpEndpoint } from './http.js';
import { startIdentity, type Identity, type IdentityOptions } from './identity.js';
import { openPort, type KernelPort } from './kernel-port.js';
import { createMcpServer } from './server.js';

/** Options of {@link startMcp}; every field is optional. */
export interface McpOptions {
  /** A running kernel's socket. Default: start a kernel in this process. */
  socket?: string;
  /** State directory (audit log, token) of the embedded kernel. Default: a temporary one, removed at the end. */
  stateDir?: string;
  /** Who MCP clients act as (default: a SANDBOXED agent named mcp-<pid>, no grants). */
  identity?: IdentityOptions;
  /** Serve Streamable HTTP on this port instead of stdio (0: any free port). */
  httpPort?: number;
  /** Host of the HTTP endpoint. Default 127.0.0.1. */
  httpHost?: string;
  /** Bearer token HTTP clients must send. Default: a random one (see `httpToken` of the result). */
  httpToken?: string;
  /** Lines for the operator (stderr). */
  log?: (line: string) => void;
}

/** A running `clove mcp`. */
export interface RunningMcp {
  readonly identity: Identity;
  /** Set when serving HTTP. */
  readonly http: { url: string; token: string } | null;
  /** The kernel socket the server talks to. */
  readonly socketPath: string;
  /** Resolves when the client went away (stdin closed) or close() was called. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the MCP server: connects to the kernel (or starts one), spawns the identity agent, and
 * serves the tools over stdio or Streamable HTTP.
 */
export async function startMcp(options: McpOptions = {}): Promise<RunningMcp> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    let socketPath: string;
    let operatorToken: string | undefined;
    if (options.socket) {
      socketPath = options.socket;
    } else {
      const own = options.stateDir === undefined;
      const dir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'clove-mcp-')));
      if (own) cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const kernel: KernelHandle = await startKernel({ socketPath: join(dir, 'kernel.sock'), stateDir: dir });
      cleanups.push(() => kernel.close());
      socketPath = kernel.socketPath;
      // Its own token, whatever CLOVE_TOKEN says (that names an identity on another kernel).
      operatorToken = kernel.token;
      options.log?.(`clove mcp: embedded kernel at ${socketPath} (audit log ${join(dir, 'audit.log')}${own ? ', removed at exit: keep it with --state-dir' : ''})`);
    }
    const operator: KernelPort = await openPort(socketPath, operatorToken);
    cleanups.push(() => operator.close());
    const identity = await startIdentity(operator, socketPath, options.identity);
    cleanups.push(() => identity.close());
    const envs = new EnvTable();
    cleanups.push(() => envs.closeAll());
    options.log?.(`clove mcp: acting as agent '${identity.name}' (#${identity.agentId})`);

    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let endpoint: HttpEndpoint | null = null;
    let http: RunningMcp['http'] = null;
    if (options.httpPort !== undefined) {
      const token = options.httpToken ?? randomBytes(24).toString('hex');
      endpoint = await serveHttp({ port: options.httpPort, ...(options.httpHost ? { host: options.httpHost } : {}), token, newServer: () => createMcpServer(identity, envs) });
      cleanups.push(() => endpoint!.close());
      http = { url: endpoint.url, token };
    } else {
      const server = createMcpServer(identity, envs);
      const transport = new StdioServerTransport();
      transport.onclose = () => finish();
      process.stdin.once('end', () => finish());
      process.stdin.once('close', () => finish());
      cleanups.push(() => server.close());
      await server.connect(transport);
    }
    return {
      identity,
      http,
      socketPath,
      done,
      close: async () => {
        await cleanup();
        finish();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
