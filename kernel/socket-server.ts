import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { Codec, encodePayload } from '../sdk/protocol/codec.js';
import { encodeFrame, FrameKind } from '../sdk/protocol/frame.js';
import type { Agent } from './agents/agent.js';
import { AgentSocket } from './agent-socket.js';
import type { Caller } from './caller.js';
import { Connection, type ConnectionHost } from './connection.js';
import type { Subscription } from './event-bus.js';
import { quotaExceeded } from './quota/index.js';
import { listenUnix } from './unix-listen.js';

/** What the socket server needs beyond what its connections need. */
export interface SocketServerHost extends ConnectionHost {
  /** True once the kernel is stopping: new connections are hung up on. */
  readonly isClosing: boolean;
}

/**
 * The kernel's two sockets and the connections on them: the operator's socket (0600), the agents'
 * socket (agent tokens only) and each agent's own channel. Bounds the connections that have not
 * said HELLO (the unauthenticated_connections quota).
 */
export class SocketServer {
  private readonly server: Server;
  private agentSocket: AgentSocket | null = null;
  private readonly connections = new Set<Connection>();
  /** Connections that have not said HELLO yet. */
  private readonly anonymous = new Set<Connection>();
  private readonly agentOnly = new WeakSet<Connection>();
  private nextConnectionId = 1;

  constructor(private readonly host: SocketServerHost) {
    this.server = createServer((socket) => this.accept(socket, { role: 'anonymous' }));
  }

  /** The operator's socket: created with mode 0600 from the start, no moment where another user could connect. */
  async listen(socketPath: string): Promise<void> {
    await listenUnix(this.server, socketPath, 0o177);
    chmodSync(socketPath, 0o600);
  }

  /** The agents' socket, in a directory of its own. */
  async listenAgents(): Promise<void> {
    this.agentSocket = new AgentSocket((socket) => this.accept(socket, { role: 'anonymous' }, true));
    await this.agentSocket.listen();
  }

  /** Path of the agents' socket (CLOVE_SOCKET of every agent), or `fallback` before it listens. */
  agentSocketPath(fallback: string): string {
    return this.agentSocket?.path ?? fallback;
  }

  /** Serves one socket as `caller` (an agent's channel is pre-authenticated). */
  accept(socket: Socket, caller: Caller, agentsOnly = false): void {
    if (this.host.isClosing) {
      socket.destroy();
      return;
    }
    const limit = this.host.options.quotas.unauthenticatedConnections;
    if (caller.role === 'anonymous' && this.anonymous.size >= limit) {
      // A connection-level refusal: one error frame (JSON, request id 0), then hang up.
      const error = quotaExceeded('connect', 'unauthenticatedConnections', limit, limit + 1, 'connections that have not sent HELLO');
      socket.on('error', () => undefined);
      socket.end(encodeFrame({ kind: FrameKind.ERROR, opcode: 0, codec: Codec.JSON, requestId: 0 }, encodePayload(Codec.JSON, { code: error.code, message: error.message, details: error.details })));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    const conn = new Connection(this.host, socket, this.nextConnectionId++, caller);
    if (agentsOnly) this.agentOnly.add(conn);
    this.connections.add(conn);
    if (caller.role === 'anonymous') this.anonymous.add(conn);
  }

  /** True for a connection that came in on the agents' socket: it may authenticate as an agent only. */
  agentsOnly(conn: Connection): boolean {
    return this.agentOnly.has(conn);
  }

  /** A connection said HELLO: it no longer counts against the unauthenticated connections quota. */
  identified(conn: Connection): void {
    this.anonymous.delete(conn);
  }

  forget(conn: Connection): void {
    this.anonymous.delete(conn);
    this.connections.delete(conn);
  }

  get size(): number {
    return this.connections.size;
  }

  /** The event subscriptions of the connections an agent holds. */
  *subscriptionsOf(agent: Agent): Iterable<Subscription> {
    for (const conn of this.connections) {
      if (conn.subscription && conn.caller.role === 'agent' && conn.caller.agent === agent) yield conn.subscription;
    }
  }

  /**
   * Stops accepting on both sockets. net.Server calls back only once every connection has ended,
   * so the promise settles after {@link hangUp}.
   */
  stopAccepting(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const agentSocketClosed = this.agentSocket?.close();
    return Promise.all([serverClosed, agentSocketClosed]).then(() => undefined);
  }

  hangUp(): void {
    for (const conn of [...this.connections]) conn.close();
  }
}
