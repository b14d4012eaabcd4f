import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handoffKey, openToken } from './handoff.js';
import { CloveError, openPort, type KernelPort } from './kernel-port.js';

/** Operator rights an identity may be given (SPAWN's `grants`). */
export const GRANTS = ['kill', 'perms', 'worlds', 'shutdown'] as const;
export type Grant = (typeof GRANTS)[number];

/** Who the MCP client acts as. Every field is optional. */
export interface IdentityOptions {
  /** Agent name of the identity. Default `mcp-<server pid>`. */
  name?: string;
  /** Permission level name or permission object (docs/permissions.md). Default `SANDBOXED`. */
  permissions?: string | Record<string, unknown>;
  /** Operator rights on top of the permissions. Default none. */
  grants?: Grant[];
  /** Its working directory: `{workspace}` in permission globs, the base of relative paths. Default the server's cwd. */
  workspace?: string;
  /**
   * A world to act in (files, HTTP, clock and LLM of that world): the name of a world of the
   * kernel, or a world YAML file, which is created for the session and destroyed at its end.
   * Default none: the host.
   */
  world?: string;
  /** Put the identity (and the commands it runs with clove_exec) in the kernel's sandbox. Default false. */
  sandboxed?: boolean;
}

/** The identity's agent and a kernel connection that acts as it. */
export interface Identity {
  readonly agentId: number;
  readonly name: string;
  readonly workspace: string;
  readonly world: string | null;
  /** Calls as the identity: checked against its permissions and audited under its name. */
  readonly port: KernelPort;
  /** Ends the identity: closes its connection and kills its agent. */
  close(): Promise<void>;
}

const HANDOFF_WAIT_MS = 15_000;

function principalScript(): string {
  const self = fileURLToPath(import.meta.url);
  return resolve(self, '..', `principal${extname(self)}`);
}

/**
 * Spawns the identity's agent through `operator` with the chosen rights and connects as it.
 * The operator connection is used for this, for reading the token handoff and for the final kill.
 */
export async function startIdentity(operator: KernelPort, socketPath: string, options: IdentityOptions = {}): Promise<Identity> {
  const key = handoffKey();
  const workspace = resolve(options.workspace ?? process.cwd());
  const name = options.name ?? `mcp-${process.pid}`;
  const ownWorld = options.world !== undefined && /\.ya?ml$/i.test(options.world) ? await operator.call<{ name: string }>('WORLD_CREATE', { path: resolve(options.world) }) : null;
  const dropWorld = () => (ownWorld ? operator.call('WORLD_DESTROY', { world: ownWorld.name }).then(() => undefined, () => undefined) : Promise.resolve());
  const world = ownWorld?.name ?? options.world;
  let spawned: { id: number; name: string; world: string | null };
  try {
    spawned = await operator.call<{ id: number; name: string; world: string | null }>('SPAWN', {
      name,
      script: principalScript(),
      cwd: workspace,
      permissions: options.permissions ?? 'SANDBOXED',
      grants: options.grants ?? [],
      sandboxed: options.sandboxed ?? false,
      ...(world ? { world } : {}),
      env: { CLOVE_MCP_HANDOFF: key, CLOVE_MCP_SERVER_PID: String(process.pid) },
    });
  } catch (error) {
    await dropWorld();
    throw error;
  }
  const kill = async () => {
    await operator.call('KILL', { agent: spawned.id, signal: 'SIGKILL' }).catch(() => undefined);
    await dropWorld();
  };
  try {
    const token = await readHandoff(operator, spawned.id, key);
    const port = await openPort(socketPath, token);
    return {
      agentId: spawned.id,
      name: spawned.name,
      workspace,
      world: spawned.world,
      port,
      close: async () => {
        port.close();
        await kill();
      },
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

async function readHandoff(operator: KernelPort, agent: number, key: string): Promise<string> {
  const deadline = Date.now() + HANDOFF_WAIT_MS;
  let since = 0;
  const said: string[] = [];
  while (Date.now() < deadline) {
    const logs = await operator.call<{ lines: Array<{ seq: number; text: string }>; next_seq: number }>('LOGS', { agent, since_seq: since, wait_ms: 500, max: 50 }, 10_000);
    for (const line of logs.lines) {
      const token = openToken(line.text, key);
      if (token) return token;
      said.push(line.text);
    }
    since = logs.next_seq;
    const record = await operator.call<{ agents: Array<{ id: number; state: string; exit_code: number | null }> }>('LIST', { all: true });
    const me = record.agents.find((a) => a.id === agent);
    if (me && !['starting', 'running'].includes(me.state)) {
      throw new CloveError('MCP_IDENTITY_FAILED', `the MCP identity agent #${agent} ended (${me.state}, exit ${me.exit_code}) before handing over its token${said.length ? `: ${said.slice(-3).join(' / ')}` : ''}`);
    }
  }
  throw new CloveError('MCP_IDENTITY_FAILED', `the MCP identity agent #${agent} did not hand over its token within ${HANDOFF_WAIT_MS / 1000}s; see \`clove agent logs ${agent}\``);
}
