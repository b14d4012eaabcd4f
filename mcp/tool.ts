import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What a tool handler returns: any JSON value, shown to the client as JSON text and structured content. */
export type ToolHandler<S extends z.ZodRawShape> = (args: z.infer<z.ZodObject<S>>) => Promise<unknown>;

/** One MCP tool: its name, description, input schema and handler, declared as data (one table per family). */
export interface ToolDef<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** True when the tool changes nothing (a hint to clients). */
  readOnly?: boolean;
  handle: ToolHandler<S>;
}

/** Declares a tool with its argument types inferred from `input`. */
export function defineTool<S extends z.ZodRawShape>(def: ToolDef<S>): ToolDef {
  return def as unknown as ToolDef;
}

/** A successful result: the value as JSON text, and as structured content when it is an object. */
export function toolResult(value: unknown): CallToolResult {
  const structured = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { result: value ?? null };
  return { content: [{ type: 'text', text: JSON.stringify(value ?? null, null, 2) }], structuredContent: structured };
}

/**
 * A failure as an MCP tool error (`isError: true`), never a protocol error: the client's model
 * sees the Clove error code and message (what failed, why, how to fix it) and can act on them.
 */
export function toolError(error: unknown): CallToolResult {
  const e = error as { code?: unknown; message?: unknown; details?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'MCP_TOOL_FAILED';
  const raw = typeof e?.message === 'string' ? e.message : String(error);
  const details = typeof e?.details === 'object' && e.details !== null ? e.details : null;
  const message = raw + fixFor(code, raw);
  return {
    isError: true,
    content: [{ type: 'text', text: `[${code}] ${message}` }],
    structuredContent: { error: { code, message, details } },
  };
}

/** The kernel names the missing right; the MCP operator gives it with a flag of `clove mcp`. */
function fixFor(code: string, message: string): string {
  const grant = /(?:has not been granted|can grant) '(\w+)'/.exec(message)?.[1];
  if (code === 'KERNEL_FORBIDDEN' && grant) return ` (the operator can start clove mcp with --grant ${grant})`;
  if (code === 'PERM_DENIED' && !message.includes('clove mcp')) return " (the MCP identity's rights are set by clove mcp --permissions)";
  return '';
}

/** Registers tools on a server; a handler's throw becomes a tool error result. */
export function registerTools(server: McpServer, tools: readonly ToolDef[]): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: { readOnlyHint: tool.readOnly ?? false } },
      (async (args: Record<string, unknown>) => {
        try {
          return toolResult(await tool.handle(args as never));
        } catch (error) {
          return toolError(error);
        }
      }) as never,
    );
  }
}
