/**
 * @module
 * The Clove tools that the framework adapters (`clove/adapters/ai-sdk`, `clove/adapters/langchain`)
 * hand to a model, declared once: each tool's name, description, input schema (zod, which both
 * frameworks take and which converts to JSON Schema) and the one SDK call it makes. An adapter only
 * wraps these in its framework's tool type. This is the only file of the adapters that calls the SDK.
 * What a tool returns is spelled out field by field in the wire's snake_case, so the model sees the
 * same names whatever the TypeScript SDK calls them.
 *
 * Every call runs as the client's identity: inside a Clove agent that is the agent, with its
 * permissions, its sandbox, its world and its audit trail.
 */
import { z } from 'zod';
import { connectAgent } from '../sdk/agent.js';
import type { CloveClient } from '../sdk/client.js';
import { CloveError } from '../sdk/errors.js';
import type { StoreScope } from '../sdk/index.js';

/** Names of the tools, as the model sees them. */
export const CLOVE_TOOL_NAMES = [
  'clove_read',
  'clove_write',
  'clove_list_dir',
  'clove_exec',
  'clove_http',
  'clove_think',
  'clove_spawn',
  'clove_list_agents',
  'clove_kill',
  'clove_store',
  'clove_fetch',
  'clove_send',
  'clove_recv',
] as const;
export type CloveToolName = (typeof CLOVE_TOOL_NAMES)[number];

/** Options shared by both adapters' `cloveTools()`. */
export interface CloveToolsOptions {
  /**
   * The connection the tools call through; its identity is the one that acts. Default: inside a
   * Clove agent, a fresh agent connection per call (`connectAgent()`: `CLOVE_FD`, then
   * `CLOVE_SOCKET` + `CLOVE_TOKEN`), closed after the call, so nothing is left open.
   */
  client?: CloveClient;
  /** Only these tools (default: all of {@link CLOVE_TOOL_NAMES}). */
  tools?: readonly CloveToolName[];
  /**
   * Reach this world on file, HTTP, store, THINK and SPAWN calls (an operator client, or an agent
   * granted `worlds`). An agent inside a world reaches its own without it.
   */
  world?: string;
}

/** One tool: what the model is told and the SDK call it makes. */
export interface CloveToolSpec<S extends z.ZodObject = z.ZodObject> {
  name: CloveToolName;
  description: string;
  schema: S;
  run(client: CloveClient, input: z.infer<S>, world: { world?: string }): Promise<unknown>;
}

/**
 * A failed tool call: the Clove error code (`PERM_DENIED`, `FS_NOT_FOUND`, ...) and the kernel's
 * message, which says what was refused and why. Adapters hand it back to the model as the tool's
 * error result; `message` starts with the code so the model sees it too.
 */
export class CloveToolError extends CloveError {
  constructor(
    code: string,
    readonly detail: string,
    readonly tool: CloveToolName,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(code, `${code}: ${detail}`, details, options);
  }

  /** The error as JSON for a tool result. */
  toJSON(): { error: { code: string; message: string; tool: CloveToolName } } {
    return { error: { code: this.code, message: this.detail, tool: this.tool } };
  }
}

const agentRef = z.union([z.string().min(1), z.number().int().positive()]).describe('the agent: its name or numeric id');
const scope = z.enum(['global', 'agent', 'session', 'world']).optional().describe("key space (default 'global'; 'agent' is private to the caller; inside a world, the world's store)");

function define<S extends z.ZodObject>(spec: CloveToolSpec<S>): CloveToolSpec {
  return spec as unknown as CloveToolSpec;
}

/** The tools, in {@link CLOVE_TOOL_NAMES} order. */
export const CLOVE_TOOL_SPECS: readonly CloveToolSpec[] = [
  define({
    name: 'clove_read',
    description: "Read a text file (inside a world: the world's file system). Returns path, content and the file's size in bytes; offset and length read a slice.",
    schema: z.object({
      path: z.string().min(1).describe('absolute path of the file'),
      offset: z.number().int().min(0).optional().describe('byte offset to start at'),
      length: z.number().int().positive().optional().describe('bytes to read'),
    }),
    async run(client, input, world) {
      const r = await client.read(input.path, { ...world, ...(input.offset !== undefined ? { offset: input.offset } : {}), ...(input.length !== undefined ? { length: input.length } : {}) });
      return { path: r.path, content: r.content, size: r.size };
    },
  }),
  define({
    name: 'clove_write',
    description: 'Write a text file, replacing it (or appending with append: true); parent directories must exist. Returns the bytes written.',
    schema: z.object({
      path: z.string().min(1).describe('absolute path of the file'),
      content: z.string().describe('the text to write'),
      append: z.boolean().optional().describe('append instead of replacing'),
    }),
    async run(client, input, world) {
      const r = await client.write(input.path, input.content, { ...world, ...(input.append ? { mode: 'a' as const } : {}) });
      return { path: r.path, written: r.written };
    },
  }),
  define({
    name: 'clove_list_dir',
    description: 'List a directory. Returns its entries with name, type (file, dir, symlink) and size.',
    schema: z.object({ path: z.string().min(1).describe('absolute path of the directory') }),
    async run(client, input, world) {
      return { entries: (await client.listdir(input.path, world)).map((e) => ({ name: e.name, type: e.type, size: e.size })) };
    },
  }),
  define({
    name: 'clove_exec',
    description: 'Run a shell command (/bin/sh -c) beside the calling agent, inside its sandbox and permissions. Returns exit_code, stdout, stderr and whether it timed out.',
    schema: z.object({
      command: z.string().min(1).describe('the command line'),
      cwd: z.string().optional().describe('working directory'),
      stdin: z.string().optional().describe('text for standard input'),
      timeout_ms: z.number().int().positive().max(3_600_000).optional().describe('kill it after this many ms (default 30000)'),
    }),
    async run(client, input) {
      const r = await client.exec(input.command, {
        ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
        ...(input.stdin !== undefined ? { stdin: input.stdin } : {}),
        ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
      });
      return { exit_code: r.exitCode, signal: r.signal, stdout: r.stdout, stderr: r.stderr, timed_out: r.timedOut };
    },
  }),
  define({
    name: 'clove_http',
    description: "Make one HTTP request (inside a world: the world's mock network). Returns status, headers and body.",
    schema: z.object({
      url: z.string().min(1).describe('absolute http(s) URL'),
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional().describe('default GET'),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().optional().describe('request body'),
      timeout_ms: z.number().int().positive().optional(),
    }),
    async run(client, input, world) {
      const r = await client.http({
        ...world,
        url: input.url,
        ...(input.method ? { method: input.method } : {}),
        ...(input.headers ? { headers: input.headers } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
      });
      return { status: r.status, headers: r.headers, body: r.body, truncated: r.truncated };
    },
  }),
  define({
    name: 'clove_think',
    description: "Ask the kernel's language model (inside a world: the world's scripted model), under the caller's LLM quota. Returns the reply text.",
    schema: z.object({
      prompt: z.string().min(1).describe('the question or instruction'),
      system: z.string().optional().describe('a system message'),
      max_tokens: z.number().int().positive().optional(),
    }),
    async run(client, input, world) {
      const r = await client.think({ ...world, prompt: input.prompt, ...(input.system !== undefined ? { system: input.system } : {}), ...(input.max_tokens !== undefined ? { maxTokens: input.max_tokens } : {}) });
      return { text: r.text, finish_reason: r.finishReason, model: r.model, usage: { prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens, total_tokens: r.usage.totalTokens } };
    },
  }),
  define({
    name: 'clove_spawn',
    description: "Start a child agent from a script (.ts, .js, .py or an executable). It never gets more than the caller: same world, sandbox and at most the caller's permissions. Returns its id, name and state.",
    schema: z.object({
      script: z.string().min(1).describe('path of the script'),
      args: z.array(z.string()).optional().describe('command-line arguments'),
      name: z.string().optional().describe('a unique name (default: script name plus id)'),
      permissions: z.enum(['STANDARD', 'SANDBOXED', 'READONLY', 'MINIMAL']).optional().describe('permission level (default: the caller’s)'),
      env: z.record(z.string(), z.string()).optional().describe('environment variables'),
    }),
    async run(client, input, world) {
      const r = await client.spawn({
        script: input.script,
        ...(input.args ? { args: input.args } : {}),
        ...(input.name ? { name: input.name } : {}),
        ...(input.permissions ? { permissions: input.permissions } : {}),
        ...(input.env ? { env: input.env } : {}),
        ...world,
      });
      return { id: r.id, name: r.name, state: r.state, world: r.world };
    },
  }),
  define({
    name: 'clove_list_agents',
    description: 'List the agents the caller can see with id, name, state, parent and world; all: true includes ended ones.',
    schema: z.object({ all: z.boolean().optional().describe('include agents that ended') }),
    async run(client, input) {
      const agents = await client.list(input.all ? { all: true } : {});
      return { agents: agents.map((a) => ({ id: a.id, name: a.name, state: a.state, parent_id: a.parentId, world: a.world, exit_code: a.exitCode })) };
    },
  }),
  define({
    name: 'clove_kill',
    description: 'Stop an agent (one the caller spawned, or any with the kill grant): SIGTERM, then SIGKILL after a grace period. Returns whether it was killed.',
    schema: z.object({ agent: agentRef, signal: z.enum(['SIGTERM', 'SIGKILL', 'SIGINT']).optional().describe('default SIGTERM') }),
    async run(client, input) {
      const r = await client.kill(input.agent, input.signal ? { signal: input.signal } : {});
      return { killed: r.killed, agent: { id: r.agent.id, name: r.agent.name, state: r.agent.state } };
    },
  }),
  define({
    name: 'clove_store',
    description: "Save a JSON value under a key in the kernel's store (inside a world: the world's store), optionally expiring after ttl_ms.",
    schema: z.object({
      key: z.string().min(1),
      value: z.unknown().describe('any JSON value'),
      scope,
      ttl_ms: z.number().int().positive().optional().describe('forget it after this many ms'),
    }),
    async run(client, input, world) {
      const r = await client.store(input.key, input.value ?? null, { ...world, ...(input.scope ? { scope: input.scope as StoreScope } : {}), ...(input.ttl_ms !== undefined ? { ttlMs: input.ttl_ms } : {}) });
      return { stored: r.stored };
    },
  }),
  define({
    name: 'clove_fetch',
    description: 'Read the value stored under a key. Returns found and value (null when absent).',
    schema: z.object({ key: z.string().min(1), scope }),
    async run(client, input, world) {
      const r = await client.fetch(input.key, { ...world, ...(input.scope ? { scope: input.scope as StoreScope } : {}) });
      return { found: r.found, value: r.value };
    },
  }),
  define({
    name: 'clove_send',
    description: "Send a JSON message to another agent's mailbox, by name or id. Returns the message id.",
    schema: z.object({ to: agentRef, payload: z.unknown().describe('any JSON value') }),
    async run(client, input) {
      const r = await client.send(input.to, input.payload ?? null);
      return { message_id: r.messageId, to: r.to };
    },
  }),
  define({
    name: 'clove_recv',
    description: "Take the next message from the caller's mailbox, waiting up to timeout_ms (0: do not wait). Returns the message (from, from_name, payload) or null.",
    schema: z.object({ timeout_ms: z.number().int().min(0).max(300_000).optional().describe('how long to wait (default 0)') }),
    async run(client, input) {
      const m = await client.recv(input.timeout_ms ?? 0);
      return { message: m ? { id: m.id, from: m.from, from_name: m.fromName, payload: m.payload } : null };
    },
  }),
];

/** The specs `options.tools` selects, in the canonical order; an unknown name is an error. */
export function selectSpecs(names?: readonly string[]): CloveToolSpec[] {
  if (!names) return [...CLOVE_TOOL_SPECS];
  const unknown = names.filter((n) => !(CLOVE_TOOL_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new CloveToolError('ADAPTER_UNKNOWN_TOOL', `no Clove tool named ${unknown.map((n) => `'${n}'`).join(', ')}; choose from ${CLOVE_TOOL_NAMES.join(', ')}`, unknown[0] as CloveToolName);
  }
  return CLOVE_TOOL_SPECS.filter((s) => names.includes(s.name));
}

/** Any failure as a {@link CloveToolError}, keeping the kernel's code and message. */
export function toToolError(error: unknown, tool: CloveToolName): CloveToolError {
  if (error instanceof CloveToolError) return error;
  if (error instanceof CloveError) return new CloveToolError(error.code, error.message, tool, error.details, { cause: error });
  const e = error as { code?: unknown; message?: unknown };
  return new CloveToolError(typeof e?.code === 'string' ? e.code : 'ADAPTER_TOOL_FAILED', typeof e?.message === 'string' ? e.message : String(error), tool, undefined, { cause: error });
}

/**
 * Runs one tool call with already validated input through `options.client`, or through a fresh
 * agent connection closed afterwards. Throws a {@link CloveToolError}.
 */
export async function runTool(spec: CloveToolSpec, input: Record<string, unknown>, options: CloveToolsOptions): Promise<unknown> {
  const world = options.world !== undefined ? { world: options.world } : {};
  let own: CloveClient | undefined;
  try {
    const client = options.client ?? (own = await connectAgent());
    return await spec.run(client, input as never, world);
  } catch (error) {
    throw toToolError(error, spec.name);
  } finally {
    own?.close();
  }
}

/** Each tool's input as JSON Schema (for docs, or for a framework that takes JSON Schema). */
export function cloveToolJsonSchemas(names?: readonly CloveToolName[]): Record<CloveToolName, Record<string, unknown>> {
  const out = {} as Record<CloveToolName, Record<string, unknown>>;
  for (const spec of selectSpecs(names)) out[spec.name] = z.toJSONSchema(spec.schema) as Record<string, unknown>;
  return out;
}
