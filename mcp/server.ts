import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { packageInfo } from '../kernel/package-root.js';
import { cloveTools } from './clove-tools.js';
import { gymTools, type EnvTable } from './gym-tools.js';
import type { Identity } from './identity.js';
import { registerTools, type ToolDef } from './tool.js';
import { worldTools } from './world-tools.js';

/** Every tool `clove mcp` offers, in the order clients list them. */
export function allTools(identity: Identity, envs: EnvTable): ToolDef[] {
  return [...cloveTools(identity), ...worldTools(identity), ...gymTools(identity, envs)];
}

/**
 * An MCP server whose tools act as `identity`. One per client connection (an MCP server serves
 * one transport); the identity and the open gym envs are shared by all of them.
 */
export function createMcpServer(identity: Identity, envs: EnvTable): McpServer {
  const server = new McpServer(
    { name: 'clove', version: packageInfo().version },
    {
      instructions:
        `Tools of a Clove kernel, acting as the agent '${identity.name}' (#${identity.agentId})${identity.world ? ` in world '${identity.world}'` : ''}: ` +
        "its permissions decide what clove_* tools may touch and every call is in the kernel's audit log. A refused call comes back as a tool error with a Clove code (PERM_DENIED, KERNEL_FORBIDDEN ...) and a message saying how to get the right. " +
        'world_* tools create and inspect simulated worlds; gym_list, gym_reset, gym_step and gym_close play a scenario episode.',
    },
  );
  registerTools(server, allTools(identity, envs));
  return server;
}
