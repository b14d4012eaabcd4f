import { join } from 'node:path';
import type { CloveClient } from '../sdk/client.js';
import type { HttpRequest } from '../sdk/types.js';
import { GYM_SUBMIT_EVENT } from '../sdk/gym.js';
import { worldPath } from '../worlds/index.js';
import type { ToolResults, Tools } from './tools.js';

export interface ClientToolsOptions {
  /** Logical agent names of the episode -> kernel agent names (default: `CLOVE_PEERS` JSON, else identity). */
  peers?: Record<string, string>;
  /** The host directory holding the world tree (default: the process's cwd, where the kernel starts world agents). */
  worldDir?: string;
}

/**
 * `Tools` over the SDK, for an agent process the gym started in a world: files, HTTP and sleep go
 * through the kernel's world syscalls, `exec` runs in the agent's sandbox in the world's tree,
 * `submit` emits `gym.submit`. A scenario's reference agent runs unchanged as an external process.
 *
 * @example
 * await runAgent(async (clove) => referenceAgent(toolsFromClient(clove), task()));
 */
export function toolsFromClient(clove: CloveClient, options: ClientToolsOptions = {}): Tools {
  const peers: Record<string, string> = options.peers ?? (process.env.CLOVE_PEERS ? (JSON.parse(process.env.CLOVE_PEERS) as Record<string, string>) : {});
  const logical = new Map(Object.entries(peers).map(([name, kernelName]) => [kernelName, name]));
  const worldDir = options.worldDir ?? process.cwd();
  return {
    readFile: async (path) => (await clove.read(path)).content,
    writeFile: async (path, content) => {
      await clove.write(path, content);
    },
    listDir: async (path) =>
      (await clove.listdir(path))
        .map((e) => ({ name: e.name, type: e.type === 'dir' ? ('directory' as const) : ('file' as const) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    delete: async (path) => (await clove.unlink(path, { recursive: true })).deleted,
    exec: async (command, args, opts) => {
      const cwd = join(worldDir, ...worldPath(opts?.cwd ?? '/').split('/').filter(Boolean));
      const r = await clove.exec(args ? [command, ...args] : command, { cwd, ...(opts?.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
      const worldly = (text: string): string => text.split(worldDir).join('');
      return { exit_code: r.exitCode ?? 128, stdout: worldly(r.stdout), stderr: worldly(r.stderr) };
    },
    http: async (url, init) => {
      const r = await clove.http({ url, ...(init?.method ? { method: init.method.toUpperCase() as HttpRequest['method'] } : {}), ...(init?.headers ? { headers: init.headers } : {}), ...(init?.body !== undefined ? { body: init.body } : {}) });
      const body = r.bodyEncoding === 'base64' ? Buffer.from(r.body, 'base64').toString('utf8') : r.body;
      return { status: r.status, headers: r.headers, body };
    },
    sleep: async (ms) => {
      await clove.sleep(ms);
    },
    think: async (prompt, opts) => (await clove.think({ prompt, ...(opts?.system ? { system: opts.system } : {}) })).text,
    send: async (to, message) => {
      await clove.send(peers[to] ?? to, message);
    },
    recv: async (opts): Promise<ToolResults['recv']> => {
      const m = await clove.recv(opts?.timeoutMs ?? 0);
      if (!m) return { from: null, message: null };
      const from = m.fromName ?? String(m.from);
      return { from: logical.get(from) ?? from, message: m.payload };
    },
    submit: async (answer) => {
      await clove.emitEvent(GYM_SUBMIT_EVENT, answer === undefined ? {} : { answer });
    },
    now: async () => (await clove.time()).nowMs,
  };
}
