import { dirname } from 'node:path';

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
