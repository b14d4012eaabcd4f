import type { Server } from 'node:net';

/**
 * Listens on a Unix socket path created under `umask`, so there is no moment where the socket
 * exists with wider permissions than the caller then sets.
 */
export async function listenUnix(server: Server, path: string, umask: number): Promise<void> {
  const previous = process.umask(umask);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
}
