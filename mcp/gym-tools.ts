import { z } from 'zod';
import type { Env } from '../gym/index.js';
import type { Identity } from './identity.js';
import { CloveError } from './kernel-port.js';
import { defineTool, type ToolDef } from './tool.js';

type Gym = typeof import('../gym/index.js');

/** The gym loads the world engine and the scenario library: loaded on the first gym tool call. */
let gymModule: Promise<Gym> | undefined;
function gym(): Promise<Gym> {
  return (gymModule ??= import('../gym/index.js'));
}

/** Envs an MCP client holds open, by the id gym_reset gave it. */
export class EnvTable {
  private readonly envs = new Map<string, { env: Env; scenario: string }>();
  private next = 1;

  constructor(readonly capacity = 16) {}

  add(env: Env, scenario: string): string {
    if (this.envs.size >= this.capacity) {
      throw new CloveError('MCP_TOO_MANY_ENVS', `${this.envs.size} gym envs are open, the most this server keeps; close finished ones with gym_close`);
    }
    const id = `env-${this.next++}`;
    this.envs.set(id, { env, scenario });
    return id;
  }

  get(id: string): { env: Env; scenario: string } {
    const entry = this.envs.get(id);
    if (!entry) throw new CloveError('MCP_ENV_NOT_FOUND', `no open gym env '${id}'${this.envs.size ? ` (open: ${[...this.envs.keys()].join(', ')})` : ''}; gym_reset makes one and returns its env_id`);
    return entry;
  }

  async close(id: string): Promise<void> {
    const { env } = this.get(id);
    this.envs.delete(id);
    await env.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.envs.values()];
    this.envs.clear();
    await Promise.allSettled(all.map((e) => e.env.close()));
  }
}

const action = z
  .object({
    tool: z.string().min(1).describe('a tool of the scenario: read_file, write_file, list_dir, delete, exec, http, sleep, think, send, recv, submit'),
    args: z.record(z.string(), z.unknown()).describe("the tool's arguments, e.g. { path } for read_file, { path, content } for write_file, { answer } for submit"),
  })
  .describe('one action, { tool, args }; gym_reset returns the full action schema');

/**
 * Gym tools: play a scenario episode step by step (Gymnasium's reset/step/close). Episodes run in
 * a private simulated world in this server; every call is recorded in the kernel's audit log and
 * event stream under the identity (an `mcp.gym` event), and `exec` actions need its exec permission.
 */
export function gymTools(identity: Identity, envs: EnvTable): ToolDef[] {
  const port = identity.port;
  const audit = (what: string, data: Record<string, unknown>) => port.call('EMIT', { type: 'CUSTOM', name: 'mcp.gym', data: { call: what, ...data } });
  return [
    defineTool({
      name: 'gym_list',
      title: 'List gym scenarios',
      description: 'Lists the scenarios an episode can be played on: id (for gym_reset), name, difficulty, tools, limits and description.',
      input: {},
      readOnly: true,
      handle: async () => {
        const g = await gym();
        const specs = await g.registry.list();
        const scenarios = await Promise.all(
          specs.map(async (spec) => {
            const s = typeof spec.scenario === 'function' ? await spec.scenario() : spec.scenario;
            return { id: spec.id, name: s.name, difficulty: s.difficulty ?? null, tags: s.tags ?? [], tools: s.tools, limits: s.limits, description: s.description };
          }),
        );
        return { scenarios };
      },
    }),
    defineTool({
      name: 'gym_reset',
      title: 'Start an episode',
      description:
        'Starts an episode of a scenario (an id from gym_list, e.g. secret-bait-v1) with a seed. Returns env_id (for gym_step and gym_close), the first observation (the task text and its tools), info, and the JSON Schema of actions.',
      input: {
        scenario: z.string().min(1).describe('scenario id from gym_list'),
        seed: z.number().int().nonnegative().optional().describe('seed of the instance (default 0): the same seed gives the same world'),
      },
      handle: async (a) => {
        const seed = a.seed ?? 0;
        await audit('reset', { scenario: a.scenario, seed });
        const g = await gym();
        const env = await g.make(a.scenario, { sandbox: true });
        try {
          const { observation, info } = await env.reset({ seed });
          const envId = envs.add(env, a.scenario);
          return { env_id: envId, observation, info, action_schema: env.actionSpace.schema };
        } catch (error) {
          await env.close();
          throw error;
        }
      },
    }),
    defineTool({
      name: 'gym_step',
      title: 'Take an action',
      description:
        "Takes one action in an episode: { tool, args }. Returns the observation (the tool's result or failure), reward, terminated, truncated and info; when the episode ends (submit, a limit), info.record holds the graded outcome and every check.",
      input: {
        env_id: z.string().min(1).describe('env_id from gym_reset'),
        action,
      },
      handle: async (a) => {
        const { env, scenario } = envs.get(a.env_id);
        await audit('step', { env_id: a.env_id, scenario, tool: a.action.tool });
        if (a.action.tool === 'exec') {
          const { permissions } = await port.call<{ permissions: { exec: { allowed: boolean } } }>('GET_PERMS', {});
          if (!permissions.exec.allowed) {
            throw new CloveError('PERM_DENIED', `gym_step: exec actions need the exec permission, which the MCP identity '${identity.name}' does not have; start clove mcp with --permissions STANDARD (or a permission object allowing exec)`, { rule: 'exec.allowed' });
          }
        }
        return env.step(a.action as Parameters<Env['step']>[0]);
      },
    }),
    defineTool({
      name: 'gym_close',
      title: 'Close an episode',
      description: 'Closes an env from gym_reset and frees its world.',
      input: { env_id: z.string().min(1).describe('env_id from gym_reset') },
      handle: async (a) => {
        envs.get(a.env_id);
        await audit('close', { env_id: a.env_id });
        await envs.close(a.env_id);
        return { closed: a.env_id };
      },
    }),
  ];
}
