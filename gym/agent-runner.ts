#!/usr/bin/env node
/**
 * Runs a scripted agent module as an external agent process: `agent-runner.js MODULE [EXPORT]`.
 * The module's default export (or EXPORT) is a `ScriptedAgent`; it gets `toolsFromClient` over
 * the kernel channel and the task from `CLOVE_TASK`. The gym spawns this for `{ kind: 'module' }`
 * and for `--agent reference`. TypeScript modules are loaded with tsx.
 */
import { resolve } from 'node:path';
import { importScenarioModule } from '../scenarios/module.js';
import { runAgent } from '../sdk/agent.js';
import { task } from '../sdk/gym.js';
import type { ScriptedAgent, Task } from './tools.js';
import { toolsFromClient } from './tools-from-client.js';
import { GymError } from './errors.js';

async function load(path: string, name: string): Promise<ScriptedAgent> {
  const file = resolve(path);
  // Built-in scenario modules load their compiled twin; other .ts files go through tsx.
  const mod = await importScenarioModule(file);
  let agent = mod[name];
  // tsx may wrap a module's exports once more under `default`.
  if (typeof agent !== 'function' && name === 'default' && agent && typeof (agent as Record<string, unknown>).default === 'function') agent = (agent as Record<string, unknown>).default;
  if (typeof agent !== 'function') throw new GymError('GYM_AGENT_INVALID', `${file} has no ${name === 'default' ? 'default export' : `export '${name}'`} that is a function (a ScriptedAgent: (tools, task) => Promise<void>)`);
  return agent as ScriptedAgent;
}

const [modulePath, exportName = 'default'] = process.argv.slice(2);
if (!modulePath) {
  process.stderr.write('usage: agent-runner MODULE [EXPORT]  (MODULE default-exports a ScriptedAgent)\n');
  process.exit(2);
}
await runAgent(async (clove) => {
  const agent = await load(modulePath, exportName);
  await agent(toolsFromClient(clove), task() as Task);
});
