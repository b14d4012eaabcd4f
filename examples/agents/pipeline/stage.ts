/**
 * What the three pipeline stages share: receive one work item, add to it, pass it on.
 *
 * A work item is an object sent over SEND, addressed by agent name:
 *   { run, task, route: [next agent names...], trail: [stages so far], ...fields the stages add }
 * Each stage takes the next hop off `route`. When the route is empty (the driver is an operator,
 * and operators have no mailbox) the report goes to the store under `pipeline/<run>/report`.
 */
import { runAgent } from 'clove/sdk';

export const WAIT_MS = 30_000;

export interface Work {
  run: string;
  task: string;
  route: string[];
  trail: string[];
  tokens?: string[];
  answer?: number;
  steps?: string[];
  expected?: number;
  verified?: boolean;
}

/** Runs one stage: `process(work)` returns the fields to add to the work item. */
export function runStage(stage: string, process: (work: Work) => Partial<Work>): Promise<void> {
  return runAgent(async (clove) => {
    const message = await clove.recv(WAIT_MS);
    if (!message) throw new Error(`${stage}: no work arrived within ${WAIT_MS} ms`);
    const work = message.payload as Work;
    Object.assign(work, process(work));
    work.trail.push(clove.identity?.agentName ?? stage);
    const next = work.route.shift();
    if (next) {
      await clove.send(next, work);
      console.log(`${stage}: passed run ${work.run} to ${next}`);
    } else {
      await clove.store(`pipeline/${work.run}/report`, work, { ttlMs: 10 * 60 * 1000 });
      console.log(`${stage}: stored the report of run ${work.run}`);
    }
  });
}
