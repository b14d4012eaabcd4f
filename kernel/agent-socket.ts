import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenUnix } from './unix-listen.js';

/** Prefix of the agents' socket directory: `clove-agents-<kernel pid>-XXXXXX` in the temporary directory. */
export const AGENT_SOCKET_PREFIX = 'clove-agents-';

/**
 * The socket agents open the kernel on beyond their inherited channel (a second client, a child
 * process, concurrent connections). Unlike the operator's socket (0600, in the private state
 * directory) agents of another uid can reach it, and sandboxes bind it in: it accepts agent tokens
 * only, never the operator's.
 */
export class AgentSocket {
  readonly dir: string;
  readonly path: string;
  private readonly server: Server;

  constructor(onConnection: (socket: Socket) => void) {
    this.dir = mkdtempSync(join(tmpdir(), `${AGENT_SOCKET_PREFIX}${process.pid}-`));
    // Enter but not list: the path is only known to those told it.
    chmodSync(this.dir, 0o711);
    this.path = join(this.dir, 'kernel.sock');
    this.server = createServer(onConnection);
  }

  async listen(): Promise<void> {
    await listenUnix(this.server, this.path, 0o111);
    chmodSync(this.path, 0o666);
  }

  /** Stops accepting (open connections are the kernel's to close) and removes the directory. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      rmSync(this.dir, { recursive: true, force: true });
    });
  }
}
