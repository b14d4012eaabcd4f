import { dirname, resolve } from 'node:path';
import { LLM_SECRET_ENV } from '../llm/config.js';
import type { Agent } from './agent.js';
import type { Invocation } from './interpreter.js';
import type { Launch } from './launch.js';

/** The PATH agents get: the system directories, plus the directory of the node that runs the kernel. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Variables taken from the kernel's own environment when set: locale and time zone. */
const PASSED_THROUGH = ['LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const;

export interface AgentEnvironmentInput {
  /** The kernel's environment (process.env). */
  kernel: NodeJS.ProcessEnv;
  /** What SPAWN (`env`), the CLI (`--env`, `--pass-env`) or the world's `agents.env` named explicitly. */
  explicit: Record<string, string> | undefined;
  /** Directory of the Python SDK, first on PYTHONPATH. */
  pythonSdkDir: string;
  /** The CLOVE_* variables of this agent (socket, token, fd, id, name). */
  clove: Record<string, string>;
}

/**
 * A clean environment, as containers and service managers give: a safe PATH, HOME, the locale
 * and time zone, PYTHONPATH for the SDK, the agent's CLOVE_* variables, and what was named
 * explicitly. Nothing else of the kernel's environment (API keys, cloud credentials) is passed.
 */
export function agentEnvironment(input: AgentEnvironmentInput): Record<string, string> {
  const { kernel, explicit = {}, pythonSdkDir, clove } = input;
  const nodeDir = dirname(process.execPath);
  const env: Record<string, string> = {
    PATH: SAFE_PATH.split(':').includes(nodeDir) ? SAFE_PATH : `${SAFE_PATH}:${nodeDir}`,
    HOME: kernel.HOME ?? '/tmp',
    LANG: kernel.LANG ?? 'C.UTF-8',
  };
  for (const key of PASSED_THROUGH) if (kernel[key] !== undefined) env[key] = kernel[key]!;
  Object.assign(env, explicit);
  env.PYTHONPATH = [pythonSdkDir, explicit.PYTHONPATH].filter(Boolean).join(':');
  return { ...env, ...clove };
}

/**
 * The model keys THINK uses stay in the kernel: an explicit variable that would hand an agent the
 * kernel's own key (`--pass-env OPENAI_API_KEY` on the kernel's machine) is dropped; an agent's own,
 * different key may still be given.
 */
export function withoutKernelSecrets(env: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!env) return env;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if ((LLM_SECRET_ENV as readonly string[]).includes(key) && process.env[key] === value) continue;
    out[key] = value;
  }
  return out;
}

/**
 * How an agent's process starts, before the sandbox has a say: the invocation of its script, in
 * its working directory, with a clean environment (nothing of the kernel's own, such as API keys,
 * unless named) and its CLOVE_* variables.
 */
export function launchFor(agent: Agent, invocation: Invocation, where: { pythonSdkDir: string; socket: string }): Launch {
  const request = agent.request;
  return {
    command: invocation.command,
    args: invocation.args,
    cwd: request.cwd ? resolve(request.cwd) : process.cwd(),
    env: agentEnvironment({
      kernel: process.env,
      explicit: withoutKernelSecrets(request.env),
      pythonSdkDir: where.pythonSdkDir,
      clove: {
        CLOVE_SOCKET: where.socket,
        CLOVE_TOKEN: agent.token,
        CLOVE_FD: '3',
        CLOVE_AGENT_ID: String(agent.id),
        CLOVE_AGENT_NAME: agent.name,
      },
    }),
  };
}
