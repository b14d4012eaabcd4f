import { CloveError, type CloveClient, type LlmTool } from '../sdk/index.js';

/** The tools the LLM agent can call. `done` ends the run with an answer. */
export const AGENT_TOOL_NAMES = ['exec', 'read_file', 'write_file', 'list_dir', 'http', 'done'] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];

const str = (description: string) => ({ type: 'string', description });

/** Each tool as the model sees it: a name, what it does, and its arguments as JSON Schema. */
export const AGENT_TOOLS: Record<AgentToolName, LlmTool> = {
  exec: {
    name: 'exec',
    description: 'Run a command in the working directory. A single string runs with /bin/sh -c; give args to run a program directly. Returns exit_code, stdout and stderr.',
    parameters: {
      type: 'object',
      properties: { command: str('the command line, or the program when args are given'), args: { type: 'array', items: { type: 'string' } }, cwd: str('working directory'), timeout_ms: { type: 'integer' } },
      required: ['command'],
    },
  },
  read_file: {
    name: 'read_file',
    description: 'Read a text file. Returns its content.',
    parameters: { type: 'object', properties: { path: str('the file path') }, required: ['path'] },
  },
  write_file: {
    name: 'write_file',
    description: 'Write (replace) a text file. Returns the number of bytes written.',
    parameters: { type: 'object', properties: { path: str('the file path'), content: str('the whole new content') }, required: ['path', 'content'] },
  },
  list_dir: {
    name: 'list_dir',
    description: 'List a directory. Returns entries with name and type (file or dir).',
    parameters: { type: 'object', properties: { path: str('the directory path') }, required: ['path'] },
  },
  http: {
    name: 'http',
    description: 'Make one HTTP request. Returns status, headers and body.',
    parameters: {
      type: 'object',
      properties: { url: str('absolute http(s) URL'), method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] }, headers: { type: 'object' }, body: str('request body') },
      required: ['url'],
    },
  },
  done: {
    name: 'done',
    description: 'Finish the task. Give the answer the task asks for (if any) and a one-line summary.',
    parameters: { type: 'object', properties: { answer: { description: 'the answer, if the task asks for one' }, summary: str('what was done') } },
  },
};

/** What a tool returned, or the error it failed with (shown to the model as the tool's result). */
export type ToolOutcome = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

const asString = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v === '') throw new CloveError('BAD_ARGUMENTS', `argument '${name}' must be a non-empty string`, { argument: name });
  return v;
};

/** Runs one tool call through the kernel (in a world, the world's files, network and clock). */
export async function runTool(client: CloveClient, name: string, args: Record<string, unknown>): Promise<ToolOutcome> {
  try {
    switch (name) {
      case 'exec': {
        const command = asString(args.command, 'command');
        const argv = Array.isArray(args.args) ? args.args.map(String) : undefined;
        const r = await client.exec(argv ? [command, ...argv] : command, {
          ...(typeof args.cwd === 'string' ? { cwd: args.cwd } : {}),
          ...(typeof args.timeout_ms === 'number' ? { timeoutMs: args.timeout_ms } : {}),
        });
        return { ok: true, result: { exit_code: r.exitCode, stdout: r.stdout, stderr: r.stderr, ...(r.timedOut ? { timed_out: true } : {}) } };
      }
      case 'read_file':
        return { ok: true, result: { content: (await client.read(asString(args.path, 'path'))).content } };
      case 'write_file': {
        if (typeof args.content !== 'string') throw new CloveError('BAD_ARGUMENTS', "argument 'content' must be a string", { argument: 'content' });
        return { ok: true, result: { bytes: (await client.write(asString(args.path, 'path'), args.content)).written } };
      }
      case 'list_dir':
        return { ok: true, result: { entries: (await client.listdir(asString(args.path, 'path'))).map((e) => ({ name: e.name, type: e.type })) } };
      case 'http': {
        const r = await client.http({
          url: asString(args.url, 'url'),
          ...(typeof args.method === 'string' ? { method: args.method.toUpperCase() as 'GET' } : {}),
          ...(args.headers && typeof args.headers === 'object' ? { headers: args.headers as Record<string, string> } : {}),
          ...(args.body !== undefined ? { body: typeof args.body === 'string' ? args.body : JSON.stringify(args.body) } : {}),
        });
        return { ok: true, result: { status: r.status, headers: r.headers, body: r.body } };
      }
      default:
        return { ok: false, error: { code: 'UNKNOWN_TOOL', message: `there is no tool '${name}' (tools: ${AGENT_TOOL_NAMES.join(', ')})` } };
    }
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, error: { code: e.code ?? 'TOOL_FAILED', message: e.message ?? String(error) } };
  }
}
