/**
 * Starts the dashboard: a kernel link (to a running kernel, or an embedded one), the live feed,
 * the results library and the HTTP server on loopback.
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { startKernel, type KernelHandle, type KernelOptions } from '../kernel/index.js';
import { createApp } from './app.js';
import { DashboardError } from './errors.js';
import { KernelLink, type KernelView } from './kernel-link.js';
import { LiveFeed } from './live-feed.js';
import { ResultsLibrary } from './results-library.js';
import { Sessions } from './session.js';

export interface DashboardOptions {
  /** Port; default 7420; 0 picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1 (only this machine). */
  host?: string;
  /** The running kernel's socket. Ignored with `embedded`. Default: `CLOVE_SOCKET`, else the kernel's default path. */
  socketPath?: string;
  /** Start a kernel in this process instead of connecting to a running one (options for it, or true). */
  embedded?: boolean | KernelOptions;
  /** A `clove bench run` output directory, or a folder of runs and gym recordings, for the results viewer. */
  results?: string;
  /** Relative agent scripts started from the page resolve against this; default the process's directory. */
  cwd?: string;
  /** Between live snapshots; default 1000 ms. */
  intervalMs?: number;
  /** Refuse to start when no kernel answers (default true; false waits for one). */
  requireKernel?: boolean;
}

export interface DashboardHandle {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** The URL to open first: it carries the operator token once, which the server swaps for a session cookie. */
  loginUrl: string;
  port: number;
  socketPath: string;
  /** The kernel as the dashboard saw it when it started. */
  kernel: KernelView;
  /** The embedded kernel, when the dashboard started one. */
  embedded: KernelHandle | null;
  close(): Promise<void>;
}

export const DEFAULT_DASHBOARD_PORT = 7420;

function hostsFor(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host.includes(':') ? `[${host}]` : host];
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined)
    .map((i) => (i.family === 'IPv6' ? `[${i.address}]` : i.address));
}

/**
 * Starts the dashboard and resolves once it listens.
 *
 * @example
 * const dashboard = await startDashboard({ socketPath: '/tmp/clove-1000/kernel.sock', port: 0, results: 'bench-out' });
 * console.log(`open ${dashboard.loginUrl}`);
 * await dashboard.close();
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<DashboardHandle> {
  const host = options.host ?? '127.0.0.1';
  const results = options.results === undefined ? null : new ResultsLibrary(options.results);
  let embedded: KernelHandle | null = null;
  let embeddedDir: string | null = null;
  if (options.embedded) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'clove-dashboard-'));
    embedded = await startKernel({ socketPath: join(embeddedDir, 'kernel.sock'), ...(typeof options.embedded === 'object' ? options.embedded : {}) });
  }
  const socketPath = embedded?.socketPath ?? options.socketPath ?? (await import('../sdk/index.js')).defaultSocketPath();
  const link = new KernelLink({ socketPath, ...(embedded ? { token: embedded.token } : {}) });
  const cleanup = async (): Promise<void> => {
    link.close();
    if (embedded) await embedded.close();
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  };
  const kernel = await link.start();
  if (!kernel.up && options.requireKernel !== false) {
    await cleanup();
    throw new DashboardError('DASHBOARD_KERNEL_DOWN', `no kernel answers on ${socketPath} (${kernel.reason}); start one with \`clove kernel start\`, point --socket at it, or use --embedded`, 503);
  }
  // The token the dashboard started with stays valid for sign-in as long as the kernel has it.
  const startToken = link.operatorToken();
  const sessions = new Sessions({ tokens: () => [link.operatorToken(), embedded ? embedded.token : undefined], hosts: hostsFor(host) });
  const feed = new LiveFeed(link, options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs });
  const app = createApp({ link, feed, sessions, results, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const taken = error.code === 'EADDRINUSE';
      reject(
        new DashboardError(
          taken ? 'DASHBOARD_PORT_IN_USE' : 'DASHBOARD_LISTEN_FAILED',
          taken ? `port ${options.port ?? DEFAULT_DASHBOARD_PORT} on ${host} is in use; pick another with --port (0 picks a free one)` : `cannot listen on ${host}:${options.port ?? DEFAULT_DASHBOARD_PORT}: ${error.message}`,
        ),
      );
    });
    server.listen(options.port ?? DEFAULT_DASHBOARD_PORT, host, () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : 0);
    });
  }).catch(async (error: unknown) => {
    feed.close();
    await cleanup();
    throw error;
  });
  sessions.port = port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/`;
  return {
    url,
    loginUrl: startToken ? `${url}?token=${encodeURIComponent(startToken)}` : url,
    port,
    socketPath,
    kernel,
    embedded,
    async close() {
      feed.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await cleanup();
    },
  };
}
