/**
 * The tools an agent acts with, as data (an `Action`, what `Env.step` takes) and as an interface
 * (`Tools`, what scripted agents such as scenario reference agents call). The same `Tools` is
 * implemented twice: over `Env.step` (in-process) and over the SDK (an external agent process),
 * so one reference agent runs both ways.
 */

/** Names of the tools, in the order the action schema lists them. */
export const TOOL_NAMES = [
  'read_file',
  'write_file',
  'list_dir',
  'delete',
  'exec',
  'http',
  'sleep',
  'think',
  'send',
  'recv',
  'submit',
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

/** Arguments of each tool: the wire shape (snake_case), as an LLM tool call would carry them. */
export interface ToolArgs {
  read_file: { path: string };
  write_file: { path: string; content: string };
  list_dir: { path: string };
  delete: { path: string };
  exec: { command: string; args?: string[]; cwd?: string; timeout_ms?: number };
  http: { url: string; method?: string; headers?: Record<string, string>; body?: string };
  sleep: { ms: number };
  think: { prompt: string; system?: string };
  send: { to: string; message: unknown };
  recv: { timeout_ms?: number };
  submit: { answer?: unknown };
}

/** One action: a tool call. `{ tool: 'read_file', args: { path: '/project/a.txt' } }`. */
export type Action = { [K in ToolName]: { tool: K; args: ToolArgs[K] } }[ToolName];

/** What each tool returns when it ran (a failure of the tool itself is a `ToolFailure`). */
export interface ToolResults {
  read_file: { content: string };
  write_file: { bytes: number };
  list_dir: { entries: { name: string; type: 'file' | 'directory' }[] };
  delete: { deleted: boolean };
  exec: { exit_code: number; stdout: string; stderr: string };
  http: { status: number; headers: Record<string, string>; body: string };
  sleep: { slept_ms: number };
  think: { content: string; tokens: number };
  send: { delivered: boolean };
  recv: { from: string | null; message: unknown | null };
  submit: { accepted: boolean };
}

/** A tool that could not do its job (404 is not this: an HTTP status is a result). */
export interface ToolFailure {
  code: string;
  message: string;
}

/** The task handed to an agent at the start of an episode. */
export interface Task {
  scenario: string;
  seed: number;
  /** The task text, after the scenario's generator filled it in for this seed. */
  text: string;
  /** Tools the scenario allows. */
  tools: ToolName[];
  /** The name of this agent in the episode (multi-agent scenarios), e.g. 'agent'. */
  agent: string;
  /** Public facts the scenario chooses to give (never the answer). */
  data?: Record<string, unknown>;
}

/**
 * Scripted agents call tools through this interface. Methods resolve with the tool's result and
 * reject with an `Error` carrying `code` when the tool failed (missing file, bad path, timeout).
 */
export interface Tools {
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  listDir(path: string): Promise<ToolResults['list_dir']['entries']>;
  delete(path: string): Promise<boolean>;
  exec(command: string, args?: string[], options?: { cwd?: string; timeoutMs?: number }): Promise<ToolResults['exec']>;
  http(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<ToolResults['http']>;
  sleep(ms: number): Promise<void>;
  think(prompt: string, options?: { system?: string }): Promise<string>;
  send(to: string, message: unknown): Promise<void>;
  recv(options?: { timeoutMs?: number }): Promise<ToolResults['recv']>;
  submit(answer?: unknown): Promise<void>;
  /** World time in ms since the epoch (the world's clock). */
  now(): Promise<number>;
}

/** A scripted agent: the default export of a scenario's `reference.ts`. */
export type ScriptedAgent = (tools: Tools, task: Task) => Promise<void>;
