import { connectAgent } from './agent.js';
import type { CloveClient } from './client.js';
import { ClientErrorCode, CloveError } from './errors.js';

/** The task of a gym episode, as the gym hands it to an external agent (same shape as clove/gym's `Task`). */
export interface GymTask {
  scenario: string;
  seed: number;
  text: string;
  tools: string[];
  agent: string;
  data?: Record<string, unknown>;
}

/** The event name `submit()` emits (a CUSTOM event); the episode driver watches for it. */
export const GYM_SUBMIT_EVENT = 'gym.submit';

/**
 * The task of the gym episode this agent runs in, from `CLOVE_TASK`. Throws when the agent was
 * not started by the gym.
 *
 * @example
 * import { task, submit, runAgent } from 'clove/sdk';
 * await runAgent(async (clove) => {
 *   const t = task();
 *   const input = await clove.read('/data/input.txt');
 *   await submit(input.content.trim(), clove);
 * });
 */
export function task(env: NodeJS.ProcessEnv = process.env): GymTask {
  const raw = env.CLOVE_TASK;
  if (!raw) throw new CloveError(ClientErrorCode.GYM_NO_TASK, 'CLOVE_TASK is not set: this agent was not started by a gym episode (clove gym play, runEpisode)');
  try {
    return JSON.parse(raw) as GymTask;
  } catch (error) {
    throw new CloveError(ClientErrorCode.GYM_NO_TASK, `CLOVE_TASK is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Declares the task done with an optional answer: an EMIT of the CUSTOM event `gym.submit` with
 * `{ answer }`. The episode ends and is graded. Uses `client` or connects as the agent.
 */
export async function submit(answer?: unknown, client?: CloveClient): Promise<void> {
  const clove = client ?? (await connectAgent());
  try {
    await clove.emitEvent(GYM_SUBMIT_EVENT, answer === undefined ? {} : { answer });
  } finally {
    if (!client) clove.close();
  }
}
