import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CloveClient, KernelEvent } from '../../sdk/index.js';
import type { WorldDefinition } from '../../worlds/index.js';
import { useTestKernel } from '../helpers/kernel.js';

/**
 * Two small scenarios (the scenario library is another branch): a world, a task, a scripted world
 * LLM that plays a competent model, and checks on the final world. The LLM agent runs as an
 * external agent process, in TypeScript (dist/agents/main.js) and in Python (clove_sdk.agentic).
 */
interface Scenario {
  name: string;
  task: string;
  world: WorldDefinition;
  check(c: CloveClient, world: string): Promise<void>;
  answer: unknown;
}

const configRepair: Scenario = {
  name: 'config-repair',
  task: 'Repair the config: /project/config.json must be valid JSON with a numeric port.',
  answer: 'fixed',
  world: {
    name: 'config-repair',
    filesystem: { files: [{ path: '/project/config.json', content: '{"port": "8080x"}' }, { path: '/project/README.md', content: 'service' }] },
    llm: {
      latency_ms: { min: 200, max: 900 },
      rules: [
        { name: 'explore', match: { in: 'last_message', contains: 'Repair the config' }, tool_calls: [{ name: 'list_dir', arguments: { path: '/project' } }] },
        { name: 'read', match: { in: 'last_message', contains: 'config.json' }, tool_calls: [{ name: 'read_file', arguments: { path: '/project/config.json' } }] },
        { name: 'fix', match: { in: 'last_message', regex: 'port[^0-9]*([0-9]+)x' }, tool_calls: [{ name: 'write_file', arguments: { path: '/project/config.json', content: '{"port": {{1}}}' } }] },
        { name: 'verify', match: { in: 'last_message', contains: '"bytes"' }, tool_calls: [{ name: 'exec', arguments: { command: 'cat project/config.json' } }] },
        { name: 'finish', match: { in: 'last_message', contains: 'exit_code' }, tool_calls: [{ name: 'done', arguments: { answer: 'fixed', summary: 'port made numeric' } }] },
      ],
    },
  },
  async check(c, world) {
    const file = await c.read('/project/config.json', { world } as never);
    expect(JSON.parse(file.content)).toEqual({ port: 8080 });
  },
};

const apiLookup: Scenario = {
  name: 'api-lookup',
  task: 'Find the e-mail address of user 7 from https://api.example.com and save it in /answer.txt.',
  answer: 'ada@example.com',
  world: {
    name: 'api-lookup',
    filesystem: { files: [{ path: '/etc/api-token', content: 'SECRET-TOKEN-93' }] },
    network: { mode: 'mock', routes: [{ method: 'GET', url: 'https://api.example.com/users/7', json: { id: 7, name: 'Ada', email: 'ada@example.com' }, latency_ms: 120 }] },
    llm: {
      latency_ms: 400,
      // A rate limit on the second call: the loop waits (on the world clock) and asks again.
      rules: [
        { name: 'fetch', match: { in: 'last_message', contains: 'user 7' }, sequence: [{ tool_calls: [{ name: 'http', arguments: { url: 'https://api.example.com/users/7' } }] }] },
        { name: 'save', match: { in: 'last_message', regex: 'email[^a-z]*([a-z]+@[a-z.]+)' }, sequence: [{ fail: 'rate_limit' }, { tool_calls: [{ name: 'write_file', arguments: { path: '/answer.txt', content: '{{1}}' } }] }] },
        { name: 'finish', match: [{ in: 'last_message', contains: '"bytes"' }, { in: 'conversation', regex: 'email[^a-z]*([a-z]+@[a-z.]+)' }], tool_calls: [{ name: 'done', arguments: { answer: '{{1}}' } }] },
      ],
    },
  },
  async check(c, world) {
    expect((await c.read('/answer.txt', { world } as never)).content).toBe('ada@example.com');
    // What the model was asked never contained the token the agent had no reason to read.
    const state = await c.worldState(world, { llm: true });
    expect(state.llm!.calls.length).toBeGreaterThanOrEqual(4);
    expect(state.llm!.calls.some((call) => call.prompt.includes('SECRET-TOKEN-93'))).toBe(false);
    expect(state.llm!.calls.map((call) => call.outcome)).toContain('rate_limit');
  },
};

const AGENT_TS = join(import.meta.dirname, '..', '..', 'dist', 'agents', 'main.js');

let runs = 0;

async function play(c: CloveClient, scenario: Scenario, runtime: 'ts' | 'python', seed: number) {
  const world = `${scenario.name}-${runtime}-${seed}-${++runs}`;
  await c.worldCreate({ source: stringify(scenario.world), name: world, seed });
  await c.subscribe(['CUSTOM']);
  const agent = await c.spawn({
    script: runtime === 'ts' ? AGENT_TS : join(import.meta.dirname, 'fixtures', 'agentic.py'),
    world,
    env: { CLOVE_TASK: JSON.stringify({ scenario: scenario.name, seed, text: scenario.task, tools: ['read_file', 'write_file', 'list_dir', 'exec', 'http', 'submit'], agent: 'agent' }), CLOVE_AGENT_MAX_ITERATIONS: '12' },
  });
  const done = await c.wait(agent.id, 60_000);
  const logs = (await c.logs(agent.id)).lines.map((l) => l.text).join('\n');
  expect(done.exitCode, logs).toBe(0);
  const events: KernelEvent[] = [];
  for (;;) {
    const batch = await c.pollEvents({ timeoutMs: 200 });
    events.push(...batch.events);
    if (batch.events.length === 0) break;
  }
  const submit = events.find((e) => (e.data as { name?: string }).name === 'gym.submit' && e.source === agent.id);
  await scenario.check(c, world);
  const state = await c.worldState(world, { llm: true });
  return { logs, submitted: submit?.data.answer, calls: state.llm!.calls, hash: state.world.stateHash, time: state.world.elapsedMs };
}

describe('the LLM agent loop with a world’s scripted LLM', () => {
  let c: CloveClient;
  const k = useTestKernel();
  beforeAll(async () => {
    c = await k.client();
  });

  it.each([configRepair, apiLookup])('solves $name as an external TypeScript agent, deterministically', async (scenario) => {
    const first = await play(c, scenario, 'ts', 1);
    expect(first.submitted).toEqual(scenario.answer);
    const again = await play(c, scenario, 'ts', 1);
    expect(again.calls.map((x) => [x.rule, x.outcome, x.content, x.toolCalls, x.time])).toEqual(first.calls.map((x) => [x.rule, x.outcome, x.content, x.toolCalls, x.time]));
    expect(again.time).toBe(first.time);
  });

  it.each([configRepair, apiLookup])('solves $name with the Python loop (clove_sdk.agentic)', async (scenario) => {
    const run = await play(c, scenario, 'python', 2);
    expect(run.submitted).toEqual(scenario.answer);
    expect(run.logs).toContain('llm-agent: done');
  });
});

describe('the LLM agent loop’s limits', () => {
  const k = useTestKernel();

  it('stops after max iterations when the model never calls done, and keeps the history', async () => {
    const { AgenticLoop } = await import('../../agents/index.js');
    const result = await new AgenticLoop(await k.client(), { maxIterations: 3 }).run('say something');
    expect(result.status).toBe('max_iterations');
    expect(result.iterations).toBe(3);
    // system, task, then per turn: the model's text and a nudge.
    expect(result.history.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(result.history[2]!.content).toMatch(/^mock reply to: say something/);
  });

  it('stops when its token budget is spent', async () => {
    const { AgenticLoop } = await import('../../agents/index.js');
    const result = await new AgenticLoop(await k.client(), { maxIterations: 50, tokenBudget: 1 }).run('spend');
    expect(result.status).toBe('token_budget');
    expect(result.iterations).toBe(1);
    expect(result.tokens).toBeGreaterThan(1);
  });

  it('offers only the tools the task allows, and always done', async () => {
    const { AgenticLoop } = await import('../../agents/index.js');
    const loop = new AgenticLoop(await k.client());
    expect(loop.toolsFor({ text: 't', tools: ['read_file', 'submit'] })).toEqual(['read_file', 'done']);
    expect(loop.toolsFor({ text: 't' })).toEqual(['exec', 'read_file', 'write_file', 'list_dir', 'http', 'done']);
  });
});
