import { createConnection, createServer, type Socket } from 'node:net';
import { rmSync } from 'node:fs';

/**
 * The floor the kernel's NOOP round trip is compared with: a plain Node Unix-socket server that
 * echoes every byte back, and a client that sends one frame-sized message and waits for all of it
 * to return. No framing, no decoding, no dispatch: only the socket and the event loops.
 */

/** {@link serveEcho} as a `node -e` script (argument: the socket path), so the server runs in a plain node process like the kernel. */
export const ECHO_SERVER_SOURCE = `
  const { createServer } = require('node:net');
  const path = process.argv[1];
  require('node:fs').rmSync(path, { force: true });
  createServer((socket) => {
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => socket.destroy());
  }).listen(path, () => process.stdout.write('ready\\n'));
  process.on('SIGTERM', () => process.exit(0));
`;

/** The same server in this process. */
export function serveEcho(socketPath: string): Promise<() => Promise<void>> {
  rmSync(socketPath, { force: true });
  const server = createServer((socket) => {
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(() => new Promise((done) => server.close(() => done()))));
  });
}

/** One outstanding message at a time: `roundTrip` resolves when every byte sent has come back. */
export class RawPingPong {
  private expected = 0;
  private received = 0;
  private done: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.received >= this.expected && this.done) {
        const done = this.done;
        this.done = null;
        done();
      }
    });
  }

  static connect(socketPath: string): Promise<RawPingPong> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      socket.once('connect', () => resolve(new RawPingPong(socket)));
      socket.once('error', reject);
    });
  }

  roundTrip(message: Buffer): Promise<void> {
    this.expected = message.length;
    this.received = 0;
    return new Promise((resolve) => {
      this.done = resolve;
      this.socket.write(message);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
