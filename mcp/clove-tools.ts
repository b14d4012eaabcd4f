import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Identity } from './identity.js';
import { CloveError } from './kernel-port.js';
import { defineTool, type ToolDef } from './tool.js';

const agentRef = z.union([z.number().int().positive(), z.string().min(1)]).describe('agent id (number) or name');

const inWorld = {
  world: z.string().optional().describe("a world to act in (needs the 'worlds' grant unless it is the identity's own world); default: the identity's world, else the host"),
};

/** Drops undefined fields, so the kernel sees only what the client sent. */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The kernel syscalls an MCP client may make, as the identity. */
export function cloveTools(identity: Identity): ToolDef[] {
  const port = identity.port;
  const local = (path: string) => (isAbsolute(path) ? path : resolve(identity.workspace, path));
  // Paths in a world are the world's; host paths start at the identity's workspace.
  const at = (path: string, world: string | undefined) => (world || identity.world ? path : local(path));
  return [
    defineTool({
      name: 'clove_read',
      title: 'Read a file',
      description:
        "Reads a file through the Clove kernel, as the MCP identity: allowed only where its permissions let it read (inside a world, the world's files). Relative paths start at the identity's workspace. Returns { path, content, encoding, size }.",
      input: {
        path: z.string().min(1).describe('file path'),
        encoding: z.enum(['utf8', 'base64']).optional().describe('utf8 (default) or base64 for binary files'),
        offset: z.number().int().nonnegative().optional().describe('first byte to read (default 0)'),
        length: z.number().int().positive().optional().describe('bytes to read (default: to the end)'),
        ...inWorld,
      },
      readOnly: true,
      handle: (a) => port.call('READ', defined({ ...a, path: at(a.path, a.world) })),
    }),
    defineTool({
      name: 'clove_write',
      title: 'Write a file',
      description:
        "Writes (or appends to) a file through the kernel, as the MCP identity: allowed only where its permissions let it write (by default its workspace and /tmp). Returns { path, written }.",
      input: {
        path: z.string().min(1).describe('file path'),
        content: z.string().describe('the text to write (base64 when encoding is base64)'),
        encoding: z.enum(['utf8', 'base64']).optional().describe('encoding of content (default utf8)'),
        mode: z.enum(['w', 'a']).optional().describe("'w' replaces the file (default), 'a' appends"),
        ...inWorld,
      },
      handle: (a) => port.call('WRITE', defined({ ...a, path: at(a.path, a.world) })),
    }),
    defineTool({
      name: 'clove_exec',
      title: 'Run a command',
      description:
        "Runs a command beside the MCP identity (in its sandbox when it has one), subject to its exec permission and blocked commands. A string runs with /bin/sh -c; an array runs without a shell. Returns { exit_code, signal, stdout, stderr, timed_out, ... }.",
      input: {
        command: z.union([z.string().min(1), z.array(z.string()).min(1)]).describe('a shell command line, or [program, ...args]'),
        cwd: z.string().optional().describe("working directory (default: the identity's workspace)"),
        timeout_ms: z.number().int().positive().max(600_000).optional().describe('kill the command after this long (default 30000)'),
        stdin: z.string().optional().describe('text given on standard input'),
        env: z.record(z.string(), z.string()).optional().describe('extra environment variables'),
      },
      handle: (a) => port.call('EXEC', defined({ ...a, cwd: a.cwd ? local(a.cwd) : undefined }), (a.timeout_ms ?? 30_000) + 30_000),
    }),
    defineTool({
      name: 'clove_think',
      title: 'Ask the kernel\'s LLM',
      description:
        "Asks the kernel's model as the MCP identity (counted against its LLM quota; inside a world, the world's scripted LLM). Returns { text, tool_calls, usage, ... }.",
      input: {
        prompt: z.string().min(1).describe('the user message'),
        system: z.string().optional().describe('a system message'),
        max_tokens: z.number().int().positive().optional().describe('longest reply in tokens'),
        temperature: z.number().min(0).max(2).optional().describe('sampling temperature'),
        ...inWorld,
      },
      handle: (a) => port.call('THINK', defined(a), 300_000),
    }),
    defineTool({
      name: 'clove_spawn',
      title: 'Start an agent',
      description:
        "Starts an agent process (a .js, .ts, .py script or an executable) as a child of the MCP identity: it never gets more than the identity's permissions, grants and world. Relative paths start at the identity's workspace. Returns the agent's record (id, name, pid, state, isolation).",
      input: {
        script: z.string().min(1).describe('path of the agent script or executable'),
        args: z.array(z.string()).optional().describe('its arguments'),
        name: z.string().optional().describe('a unique name (default: script name plus id)'),
        cwd: z.string().optional().describe("its working directory (default: the identity's workspace)"),
        env: z.record(z.string(), z.string()).optional().describe('environment variables for it'),
        permissions: z.enum(['UNRESTRICTED', 'STANDARD', 'SANDBOXED', 'READONLY', 'MINIMAL']).optional().describe("permission level (never beyond the identity's own; default: the identity's)"),
        sandboxed: z.boolean().optional().describe('run it in the kernel sandbox'),
        ...inWorld,
      },
      handle: (a) => port.call('SPAWN', defined({ ...a, script: local(a.script), cwd: a.cwd ? local(a.cwd) : a.world || identity.world ? undefined : identity.workspace })),
    }),
    defineTool({
      name: 'clove_list_agents',
      title: 'List agents',
      description: 'Lists the agents the kernel runs (id, name, state, pid, parent, world, isolation); with all: true, ended ones too.',
      input: { all: z.boolean().optional().describe('include agents that have ended') },
      readOnly: true,
      handle: (a) => port.call('LIST', defined(a)),
    }),
    defineTool({
      name: 'clove_kill',
      title: 'Stop an agent',
      description:
        "Stops an agent: SIGTERM, then SIGKILL after the grace period. The MCP identity may stop itself and the agents it spawned; others need the 'kill' grant. Returns { killed, agent }.",
      input: {
        agent: agentRef,
        signal: z.enum(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP']).optional().describe('signal to send first (default SIGTERM)'),
        grace_ms: z.number().int().nonnegative().optional().describe('wait this long before SIGKILL'),
      },
      handle: async (a) => {
        if (a.agent === identity.agentId || a.agent === identity.name) {
          throw new CloveError('MCP_SELF_KILL', `clove_kill: '${identity.name}' (#${identity.agentId}) is the MCP identity these tools act as; stopping it would end every tool. Close the MCP session instead`);
        }
        return port.call('KILL', defined(a));
      },
    }),
    defineTool({
      name: 'clove_http',
      title: 'Make an HTTP request',
      description:
        "Makes an HTTP request through the kernel as the MCP identity: only if its permissions allow HTTP and the host is in its domain list (inside a world, the world's mocked network answers). Returns { status, headers, body, ... }.",
      input: {
        url: z.string().url().describe('http:// or https:// URL'),
        method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional().describe('default GET'),
        headers: z.record(z.string(), z.string()).optional().describe('request headers'),
        body: z.string().optional().describe('request body'),
        timeout_ms: z.number().int().positive().max(600_000).optional().describe('give up after this long (default 30000)'),
        ...inWorld,
      },
      handle: (a) => port.call('HTTP', defined(a), (a.timeout_ms ?? 30_000) + 30_000),
    }),
  ];
}
