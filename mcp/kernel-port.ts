/**
 * The MCP server's one door to the kernel: every SDK use of `clove mcp` is here. Requests go by
 * opcode with their wire (snake_case) payloads, so the tools do not depend on SDK method names.
 */
import { connect, CloveError, type CloveClient, type OpcodeName } from '../sdk/index.js';

export { CloveError };

/** A kernel connection under one identity (the operator's, or the MCP identity agent's). */
export interface KernelPort {
  /** Who the kernel says this connection is (HELLO's answer). */
  readonly role: string;
  readonly agentId: number | null;
  readonly agentName: string | null;
  /** Sends one request; rejects with a CloveError carrying the kernel's code. `timeoutMs` 0 waits forever. */
  call<T = Record<string, unknown>>(op: OpcodeName, payload?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  close(): void;
}

class ClientPort implements KernelPort {
  constructor(private readonly client: CloveClient) {}
  get role(): string {
    return this.client.identity?.role ?? 'anonymous';
  }
  get agentId(): number | null {
    return this.client.identity?.agentId ?? null;
  }
  get agentName(): string | null {
    return this.client.identity?.agentName ?? null;
  }
  call<T>(op: OpcodeName, payload?: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    return this.client.call<T>(op, payload, timeoutMs === undefined ? {} : { timeoutMs });
  }
  close(): void {
    this.client.close();
  }
}

/**
 * Connects to the kernel at `socketPath` with `token` (the operator's or an agent's), or without
 * it as the operator (CLOVE_TOKEN, else the token file next to the socket).
 */
export async function openPort(socketPath: string, token?: string): Promise<KernelPort> {
  const client = await connect({ socketPath, ...(token ? { token } : {}) });
  if (!client.identity) {
    client.close();
    throw new CloveError('KERNEL_UNAUTHENTICATED', `no operator token was found for the kernel at ${socketPath}: run clove mcp as the user who started the kernel, or set CLOVE_TOKEN_FILE`);
  }
  return new ClientPort(client);
}

/** True when the error says there is no kernel at the socket. */
export function isNoKernel(error: unknown): boolean {
  return error instanceof CloveError && error.code === 'CLIENT_CONNECT_FAILED';
}
