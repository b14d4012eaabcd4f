/**
 * LLM micro-benchmarks: what the kernel adds to a THINK (the scheduler alone, and the whole
 * syscall against calling the provider directly, for the mock and for an OpenAI-compatible
 * server on 127.0.0.1), Jain's fairness index with a greedy caller, and world-mock THINK
 * throughput. Run with `npm run bench:llm`. Prints tables of medians.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { stringify } from 'yaml';
import { startKernel } from '../../kernel/index.js';
import { MockProvider } from '../../kernel/llm/mock.js';
import { OpenAiProvider } from '../../kernel/llm/openai.js';
import type { Completion, LlmProvider, ThinkRequest } from '../../kernel/llm/provider.js';
import { LlmScheduler } from '../../kernel/llm/scheduler.js';
import { connect } from '../../sdk/index.js';
import { FakeLlmServer } from '../../test/helpers/fake-llm-server.js';
import { createWorld, type LlmDefinition } from '../../worlds/index.js';

const messages = [{ role: 'system' as const, content: 'be brief' }, { role: 'user' as const, content: 'what is the capital of France?' }];
const request: ThinkRequest = { messages, max_tokens: 32 };
const signal = new AbortController().signal;
const rows: Array<Record<string, string | number>> = [];

async function median(name: string, fn: () => Promise<unknown>, note = ''): Promise<number> {
  const bench = new Bench({ time: 1000, iterations: 50, warmupTime: 200 });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') throw new Error(`${name}: ${r.state}`);
  rows.push({ case: name, 'median ms': r.latency.p50.toFixed(4), 'p99 ms': r.latency.p99.toFixed(4), samples: r.latency.samplesCount, note });
  return r.latency.p50;
}

// --- 1. overhead per THINK
const mock = new MockProvider();
const direct = await median('mock provider, called directly', () => mock.complete(request, signal));
const scheduler = new LlmScheduler(mock, 4);
const scheduled = await median('mock provider through the scheduler', () => scheduler.submit({ caller: 'a', request, signal }));

const dir = mkdtempSync(join(tmpdir(), 'clove-llm-bench-'));
const kernel = await startKernel({ socketPath: join(dir, 'k.sock'), auditLog: false, llm: { provider: 'mock' } });
const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
const viaKernel = await median('THINK syscall (socket, msgpack, parse, quota, scheduler), mock', () => client.think({ messages, maxTokens: 32 }));

const server = await new FakeLlmServer('openai').start();
const openai = new OpenAiProvider({ baseUrl: server.baseUrl, model: 'fake-model', maxRetries: 0 });
const openaiDirect = await median('openai client -> 127.0.0.1 server, directly', () => openai.complete(request, signal));
const dir2 = mkdtempSync(join(tmpdir(), 'clove-llm-bench-'));
const kernel2 = await startKernel({ socketPath: join(dir2, 'k2.sock'), auditLog: false, llm: { provider: 'openai', baseUrl: server.baseUrl, model: 'fake-model', maxRetries: 0 } });
const client2 = await connect({ socketPath: kernel2.socketPath, token: kernel2.token });
await client2.think('warm up the lazily loaded client');
const openaiKernel = await median('THINK syscall -> openai provider -> 127.0.0.1 server', () => client2.think({ messages, maxTokens: 32 }));
server.reset();

console.log('\nTHINK overhead (sequential calls)');
console.table(rows);
console.log(`scheduler overhead per THINK: ${(scheduled - direct).toFixed(4)} ms median (target <= 1 ms)`);
console.log(`whole THINK syscall over the mock provider call: ${(viaKernel - direct).toFixed(4)} ms median`);
console.log(`whole THINK syscall over a direct openai call (local HTTP server): ${(openaiKernel - openaiDirect).toFixed(4)} ms median`);
rows.length = 0;

// --- 2. fairness with a greedy caller (in-process scheduler, a model taking 2 ms per call, 2 slots)
function jain(xs: number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  return (sum * sum) / (xs.length * xs.reduce((a, b) => a + b * b, 0));
}
class Timed implements LlmProvider {
  readonly name = 'timed';
  readonly done = new Map<string, number>();
  async complete(r: ThinkRequest): Promise<Completion> {
    await new Promise((res) => setTimeout(res, 2));
    const who = String(r.messages[0]!.content);
    this.done.set(who, (this.done.get(who) ?? 0) + 1);
    return { content: '', tool_calls: [], finish_reason: 'stop', model: 'm', provider: 'timed', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
  }
}
for (const greedyInFlight of [8, 32, 128]) {
  const timed = new Timed();
  const s = new LlmScheduler(timed, 2);
  const until = Date.now() + 2000;
  const ask = (who: string) => s.submit({ caller: who, request: { messages: [{ role: 'user', content: who }] }, signal });
  const loop = async (who: string) => {
    while (Date.now() < until) await ask(who);
  };
  await Promise.all([...['a', 'b', 'c', 'd', 'e'].map(loop), ...Array.from({ length: greedyInFlight }, () => loop('greedy'))]);
  const counts = ['a', 'b', 'c', 'd', 'e', 'greedy'].map((w) => timed.done.get(w) ?? 0);
  rows.push({ case: `5 polite + greedy with ${greedyInFlight} in flight, 2 s`, calls: counts.join(' / '), "Jain's index": jain(counts).toFixed(4) });
}
console.log("\nFairness: answered calls per caller (a / b / c / d / e / greedy) and Jain's index (target >= 0.95)");
console.table(rows);
rows.length = 0;

// --- 3. world-mock THINK throughput
const llm: LlmDefinition = {
  latency_ms: { min: 100, max: 900 },
  rules: [
    ...Array.from({ length: 9 }, (_, i) => ({ match: { regex: `^topic ${i}\\b` }, variants: [{ reply: `answer ${i}a` }, { reply: `answer ${i}b` }] })),
    { match: { in: 'last_message' as const, contains: 'file' }, tool_calls: [{ name: 'read_file', arguments: { path: '/x' } }] },
  ],
};
const world = createWorld({ name: 'bench-llm', llm }, { seed: 1 });
const n = 20_000;
let t = performance.now();
for (let i = 0; i < n; i++) await world.llm.complete({ messages: [{ role: 'user', content: `topic ${i % 12} please` }] });
let wall = performance.now() - t;
rows.push({ case: 'world.llm.complete in-process (10 rules, variants, latency on the virtual clock)', calls: n, 'calls/s': Math.round(n / (wall / 1000)), 'virtual s per wall s': Math.round(world.clock.elapsed() / wall) });
world.close();

await client.worldCreate({ name: 'bench-llm', source: stringify({ name: 'bench-llm', llm }) });
for (const concurrency of [1, 8]) {
  const calls = 2000;
  let next = 0;
  t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++;
        await client.think({ prompt: `topic ${next % 12} please`, world: 'bench-llm' });
      }
    }),
  );
  wall = performance.now() - t;
  rows.push({ case: `THINK syscall to a world's LLM, ${concurrency} in flight`, calls, 'calls/s': Math.round(calls / (wall / 1000)), 'virtual s per wall s': '' });
}
console.log('\nWorld-mock THINK throughput');
console.table(rows);

client.close();
client2.close();
await kernel.close();
await kernel2.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
rmSync(dir2, { recursive: true, force: true });
