import { connect, type CloveClient, type ConnectOptions } from './client.js';

let channelClaimed = false;

/**
 * Connects from inside an agent the kernel spawned: the kernel channel on `CLOVE_FD` the first
 * time (it needs no path and works inside a network namespace), then `CLOVE_SOCKET` + `CLOVE_TOKEN`
 * (the agents' socket, which the kernel binds into sandboxes): any number of clients, also
 * concurrently, and from child processes that inherited only the environment.
 */
export async function connectAgent(options: ConnectOptions = {}): Promise<CloveClient> {
  const fd = process.env.CLOVE_FD;
  if (fd && !channelClaimed && options.socketPath === undefined) {
    channelClaimed = true;
    try {
      return await connect({ ...options, fd: Number(fd) });
    } catch (error) {
      // Not the kernel's channel in this process (a child that inherited only the environment).
      if (!process.env.CLOVE_SOCKET) throw error;
    }
  }
  return connect(options);
}

/**
 * Runs an agent body with a connected client, closes it afterwards, and turns a thrown error into
 * a message on stderr and exit code 1.
 *
 * @example
 * import { runAgent } from 'clove/sdk';
 * await runAgent(async (clove) => {
 *   console.log(await clove.echo('hello from an agent'));
 * });
 */
export async function runAgent(body: (clove: CloveClient) => Promise<void> | void, options: ConnectOptions = {}): Promise<void> {
  let clove: CloveClient | undefined;
  try {
    clove = await connectAgent(options);
    await body(clove);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`agent failed: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(error)}\n`);
    process.exitCode = 1;
  } finally {
    clove?.close();
  }
}
