import { CloveError } from '../../sdk/errors.js';
import type { World } from '../../worlds/index.js';
import type { ToolArgs, ToolFailure, ToolName, ToolResults } from '../tools.js';
import type { JsonSchema } from '../spaces.js';

/** Counters one episode keeps about what its tools did (they feed EpisodeMetrics). */
export interface ToolUsage {
  calls: Record<string, number>;
  httpRequests: number;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  bytesRead: number;
  bytesWritten: number;
}

export function emptyUsage(): ToolUsage {
  return { calls: {}, httpRequests: 0, llmCalls: 0, promptTokens: 0, completionTokens: 0, bytesRead: 0, bytesWritten: 0 };
}

/** A mailbox set for the agents of one episode (the evaluated agent and the scenario's peers). */
export interface Mailroom {
  send(from: string, to: string, message: unknown): boolean;
  /** Resolves with the next message for `agent`, or null after `timeoutMs` on the world clock. */
  recv(agent: string, timeoutMs: number): Promise<{ from: string; message: unknown } | null>;
}

export interface ExecRequest {
  command: string;
  args?: string[];
  /** World path. */
  cwd: string;
  timeoutMs: number;
}

export interface ExecOutcome {
  exit_code: number;
  stdout: string;
  stderr: string;
}

/** What a tool handler works on: the episode's world and services, never the env itself. */
export interface ToolContext {
  world: World;
  /** Name of the acting agent. */
  agent: string;
  mail: Mailroom;
  think(prompt: string, system: string | undefined): Promise<{ content: string; promptTokens: number; completionTokens: number }>;
  exec(request: ExecRequest): Promise<ExecOutcome>;
  usage: ToolUsage;
  /** Everything the agent sent or printed (leak checks). */
  outputs: string[];
  submit(answer: unknown): void;
}

/** A tool failed (missing file, blocked host): an observation, not an exception of the env. */
export class ToolFailureError extends CloveError {
  /** `code` is the tool's: a world or kernel code, or an errno such as `EISDIR`. */
  constructor(code: string, message: string) {
    super(code, message);
  }
  toFailure(): ToolFailure {
    return { code: this.code, message: this.message };
  }
}

/** One tool: the JSON Schema of its arguments and what it does. */
export interface ToolHandler<K extends ToolName = ToolName> {
  name: K;
  description: string;
  args: JsonSchema;
  run(ctx: ToolContext, args: ToolArgs[K]): Promise<ToolResults[K]>;
}

export function tool<K extends ToolName>(handler: ToolHandler<K>): ToolHandler<K> {
  return handler;
}

export const pathArg = { type: 'string', minLength: 1, maxLength: 4096, description: 'a world path, e.g. /project/a.txt' } as const;
