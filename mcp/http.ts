import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** Where and how the Streamable HTTP endpoint listens. */
export interface HttpEndpointOptions {
  port: number;
  /** Default 127.0.0.1: only this machine. */
  host?: string;
  /** Clients must send `Authorization: Bearer <token>`. */
  token: string;
  /** A fresh MCP server for each new session. */
  newServer(): McpServer;
}

export interface HttpEndpoint {
  /** `http://host:port/mcp`. */
  readonly url: string;
  close(): Promise<void>;
}

export const MCP_PATH = '/mcp';

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function readJson(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Serves MCP over Streamable HTTP at `/mcp`: one session (transport + MCP server) per client,
 * keyed by the `mcp-session-id` header; a bearer token and Host/Origin checks (against DNS
 * rebinding from web pages) in front of everything.
 */
export async function serveHttp(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  const wildcard = host === '0.0.0.0' || host === '::';
  let allowedHosts: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== MCP_PATH) return refuse(res, 404, `not found: the MCP endpoint is ${MCP_PATH}`);
    if (!authorized(req, options.token)) return refuse(res, 401, 'missing or wrong bearer token: send Authorization: Bearer <token> (the token clove mcp printed, or --http-token)', { 'www-authenticate': 'Bearer' });
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing) return existing.transport.handleRequest(req, res);
    if (req.method !== 'POST') return refuse(res, typeof sessionId === 'string' ? 404 : 400, typeof sessionId === 'string' ? `no session '${sessionId}' (it ended or the server restarted): initialize again` : 'no mcp-session-id header: initialize a session with a POST first');
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      return refuse(res, 400, `the body is not JSON: ${(error as Error).message}`);
    }
    if (typeof sessionId === 'string') return refuse(res, 404, `no session '${sessionId}' (it ended or the server restarted): initialize again`);
    if (!isInitializeRequest(body)) return refuse(res, 400, 'no mcp-session-id header: the first request of a session must be initialize');
    const server = options.newServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Bound to all interfaces, clients name the machine by any of its addresses: the token guards alone.
      enableDnsRebindingProtection: !wildcard,
      allowedHosts,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) refuse(res, 500, `clove mcp: ${error.message}`);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  allowedHosts = [`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${MCP_PATH}`,
    close: async () => {
      await Promise.allSettled([...sessions.values()].map((s) => s.transport.close()));
      sessions.clear();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
