/**
 * Waits for the demo's go message ({until: epoch ms}), then calls THINK until then, keeping CLOVE_IN_FLIGHT calls in flight (1 = a polite
 * agent that waits for each answer; more = a greedy one), then stores what it saw under
 * `contention:<agent name>`: requests, successes, latencies (ms, as the agent saw them) and tokens.
 */
import { runAgent } from '../../../sdk/index.js';

await runAgent(async (clove) => {
  // Everyone starts together: the demo says go once all agents are up.
  await clove.store(`ready:${process.env.CLOVE_AGENT_NAME}`, true);
  const go = await clove.recv(60_000);
  const until = Number((go?.payload as { until?: number } | undefined)?.until);
  if (!Number.isFinite(until)) throw new Error('no go message from the demo');
  const inFlight = Number(process.env.CLOVE_IN_FLIGHT ?? '1');
  const name = process.env.CLOVE_AGENT_NAME ?? 'caller';
  const latencies: number[] = [];
  let requests = 0;
  let successes = 0;
  let tokens = 0;
  const worker = async () => {
    while (Date.now() < until) {
      requests++;
      const started = performance.now();
      try {
        const answer = await clove.think({ prompt: `${name} asks question ${requests}`, maxTokens: 32 });
        successes++;
        tokens += answer.tokens;
        latencies.push(performance.now() - started);
      } catch {
        /* counted as a request without a success */
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  await clove.store(`contention:${name}`, { requests, successes, tokens, latencies });
});
