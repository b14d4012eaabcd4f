import { createConnection, Socket } from 'node:net';
import { ClientErrorCode, CloveError } from './errors.js';

/** Opens the byte stream to the kernel: a socket path, or an inherited file descriptor. */
export function openSocket(target: { socketPath: string } | { fd: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if ('fd' in target) {
      try {
        const socket = new Socket({ fd: target.fd, readable: true, writable: true });
        resolve(socket);
      } catch (error) {
        reject(new CloveError(ClientErrorCode.CONNECT_FAILED, `could not use the kernel channel on fd ${target.fd}: ${(error as Error).message}`));
      }
      return;
    }
    const socket = createConnection(target.socketPath);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
          ? 'is the kernel running? Start it with `clove kernel start` or set CLOVE_SOCKET'
          : error.code === 'EACCES'
            ? 'the socket is owner-only (0600): connect as the user that started the kernel'
            : error.message;
      reject(new CloveError(ClientErrorCode.CONNECT_FAILED, `cannot connect to the Clove kernel at ${target.socketPath} (${error.code ?? 'error'}): ${hint}`));
    };
    socket.once('error', onError);
  });
}
