/**
 * LLM contention: five agents call THINK at once beside one greedy agent that keeps many calls in
 * flight. The kernel's weighted fair queuing gives every agent about the same share of the model:
 * the table shows requests, successes, median latency and tokens per agent, and Jain's fairness
 * index over their throughput (1 = perfectly even, 1/n = one agent took everything).
 *
 *   node --import tsx examples/llm/contention.ts [--seconds 3] [--greedy 16] [--latency 20] [--concurrency 2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startKernel } from '../../kernel/index.js';
import { connect } from '../../sdk/index.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    greedy: { type: 'string', default: '16' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const greedyInFlight = Number(values.greedy);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
for (const [name, v] of Object.entries({ seconds, greedy: greedyInFlight, latency: latencyMs, concurrency })) {
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
}

/** Jain's fairness index: (Σx)² / (n·Σx²). */
export function jain(xs: number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}

const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'clove-contention-'));
// The deterministic mock, slowed to a model-like pace, with few slots: the agents must queue.
const kernel = await startKernel({ socketPath: join(dir, 'kernel.sock'), killGraceMs: 1000, llm: { provider: 'mock', concurrency, mock: { latencyMs } } });
const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
try {
  const script = join(import.meta.dirname, 'agents', 'caller.ts');
  const agents = [
    ...['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name) => ({ name, inFlight: 1 })),
    { name: 'greedy', inFlight: greedyInFlight },
  ];
  const spawned = await Promise.all(agents.map((a) => client.spawn({ name: a.name, script, env: { CLOVE_IN_FLIGHT: String(a.inFlight) } })));
  // Processes take a moment to start: once every agent listens, all start calling at once.
  const deadline = Date.now() + 60_000;
  for (const a of spawned) {
    while (!(await client.fetch(`ready:${a.name}`)).found) {
      if (Date.now() > deadline) throw new Error(`agent ${a.name} did not start within 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const until = Date.now() + seconds * 1000;
  for (const a of spawned) await client.send(a.id, { until });
  await Promise.all(spawned.map((a) => client.wait(a.id, (seconds + 30) * 1000)));
  const rows = [];
  for (const [i, a] of spawned.entries()) {
    const seen = (await client.fetch<{ requests: number; successes: number; tokens: number; latencies: number[] }>(`contention:${a.name}`)).value;
    const metrics = await client.agentMetrics(a.id);
    if (!seen) throw new Error(`agent ${a.name} stored no results (exit ${(await client.wait(a.id)).exitCode})`);
    rows.push({ agent: a.name, in_flight: agents[i]!.inFlight, requests: seen.requests, successes: seen.successes, median_latency_ms: Math.round(median(seen.latencies) * 10) / 10, median_queue_ms: metrics.llm.queueMsP50, tokens: seen.tokens });
  }
  const index = jain(rows.map((r) => r.successes));
  if (values.json) {
    console.log(JSON.stringify({ seconds, latency_ms: latencyMs, concurrency, rows, jain: index }, null, 2));
  } else {
    console.log(`LLM contention: 5 agents + 1 greedy (${greedyInFlight} calls in flight), mock model ${latencyMs} ms per call, ${concurrency} slots, ~${seconds} s\n`);
    console.log(`${'agent'.padEnd(9)} ${'in flight'.padStart(9)} ${'requests'.padStart(9)} ${'successes'.padStart(9)} ${'median ms'.padStart(10)} ${'queue ms'.padStart(9)} ${'tokens'.padStart(8)}`);
    for (const r of rows) {
      console.log(`${r.agent.padEnd(9)} ${String(r.in_flight).padStart(9)} ${String(r.requests).padStart(9)} ${String(r.successes).padStart(9)} ${r.median_latency_ms.toFixed(1).padStart(10)} ${r.median_queue_ms.toFixed(1).padStart(9)} ${String(r.tokens).padStart(8)}`);
    }
    console.log(`\nJain's fairness index over successes: ${index.toFixed(3)} (1 = even; ${(1 / rows.length).toFixed(3)} = one agent took all)`);
  }
} finally {
  client.close();
  await kernel.close();
  rmSync(dir, { recursive: true, force: true });
}
