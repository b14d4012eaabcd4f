import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, ROOT } from '../helpers/cli.js';

/** An MCP client (the SDK's own) connected to `clove mcp ...args` over stdio, as Claude Desktop would start it. */
export interface StdioSession {
  client: Client;
  /** Calls a tool and returns its result (tool errors included: `isError`). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls a tool that must succeed and returns its structured content. */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  /** Closes the session and waits for the server process to end. */
  close(): Promise<void>;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}

/** A tool error's Clove code, or null when the call succeeded. */
export function errorCode(result: CallToolResult): string | null {
  if (!result.isError) return null;
  const structured = result.structuredContent as { error?: { code?: string } } | undefined;
  return structured?.error?.code ?? /^\[([A-Z_]+)\]/.exec(textOf(result))?.[1] ?? 'UNKNOWN';
}

export function toolApi(client: Client, stderr: () => string): Omit<StdioSession, 'close' | 'client' | 'stderr'> {
  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    call,
    ok: async <T>(name: string, args: Record<string, unknown> = {}) => {
      const result = await call(name, args);
      if (result.isError) throw new Error(`${name} failed: ${textOf(result)}\nserver stderr:\n${stderr()}`);
      return result.structuredContent as T;
    },
  };
}

export async function startStdio(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<StdioSession> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('CLOVE_')) env[k] = v;
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], cwd: options.cwd ?? ROOT, env: { ...env, NO_COLOR: '1', ...options.env }, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const client = new Client({ name: 'clove-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`clove mcp ${args.join(' ')} did not start: ${(error as Error).message}\nstderr:\n${err}`);
  }
  const stderr = () => err;
  const pid = transport.pid;
  return {
    client,
    ...toolApi(client, stderr),
    stderr,
    // Closing stdin ends the server; wait until it is gone, so its kernel has written everything.
    close: async () => {
      await client.close();
      for (let i = 0; pid !== null && i < 200; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
