import { connect, CloveError, type CloveClient } from '../sdk/index.js';
import { defaultSocketPath } from '../sdk/socket-path.js';
import { CliError, ExitCode } from './output.js';

export interface SocketOption {
  socket?: string;
}

export function socketPathOf(options: SocketOption): string {
  return options.socket ?? defaultSocketPath();
}

/** Connects as operator, turning "no kernel there" into a one-line error with exit code 3. */
export async function operatorClient(options: SocketOption): Promise<CloveClient> {
  try {
    return await connect({ socketPath: socketPathOf(options) });
  } catch (error) {
    if (error instanceof CloveError && error.code === 'CLIENT_CONNECT_FAILED') throw new CliError(error.message, ExitCode.NO_KERNEL, error.code);
    throw error;
  }
}

/** Runs a body with a connected client and always closes it. */
export async function withClient<T>(options: SocketOption, body: (client: CloveClient) => Promise<T>): Promise<T> {
  const client = await operatorClient(options);
  try {
    return await body(client);
  } finally {
    client.close();
  }
}
