import type { AgentState } from './types.js';

/** The states of an agent that has not ended: it has (or will again have) a process. */
export const ALIVE_STATES: readonly AgentState[] = ['starting', 'running', 'paused', 'restarting'];

/** Whether an agent in this state has not ended yet. */
export function isAlive(state: AgentState): boolean {
  return ALIVE_STATES.includes(state);
}
