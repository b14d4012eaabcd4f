import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LlmScheduler } from '../../kernel/llm/scheduler.js';
import type { Completion, LlmProvider } from '../../kernel/llm/provider.js';
import type { CloveClient } from '../../sdk/index.js';
import { fixture, testKernel, useTestKernel } from '../helpers/kernel.js';

describe('THINK requests', () => {
  let c: CloveClient;
  const k = useTestKernel({ llm: { mock: { latencyMs: 30 } } });
  beforeAll(async () => {
    c = await k.client();
  });

  it.each([
    [{ messages: [{ role: 'user', content: 'a' }, { role: 'wizard', content: 'b' }] }, 'messages[1].role'],
    [{ prompt: 'x', tools: [{ name: 'has space' }] }, 'tools[0].name'],
    [{ prompt: 'x', tools: [{ name: 'a' }], tool_choice: { name: 'b' } }, 'tool_choice.name'],
    [{ prompt: 'x', image: { data: 'aGk=', mime_type: 'text/plain' } }, 'image.mime_type'],
    [{ prompt: 'x', stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ prompt: 'x', thinking_level: 'extreme' }, 'thinking_level'],
    [{ messages: [{ role: 'tool', content: 'r' }] }, 'messages[0].tool_call_id'],
    [{ messages: [{ role: 'user', content: [{ type: 'image', data: '%%', mime_type: 'image/png' }] }] }, 'messages[0].content[0].data'],
  ])('refuses a bad request naming the field (%#: %s)', async (request, field) => {
    await expect(c.call('THINK', request)).rejects.toMatchObject({ code: 'KERNEL_BAD_REQUEST', message: expect.stringContaining(`'${field}'`) });
  });

  it('reads the 0.1 shapes: a plain string payload, system_instruction, and answers success/content/tokens', async () => {
    const a = await c.call<Record<string, unknown>>('THINK', 'hello from 0.1');
    expect(a).toMatchObject({ success: true, content: 'mock reply to: hello from 0.1', text: 'mock reply to: hello from 0.1', provider: 'mock', model: 'mock-1', finish_reason: 'stop', tool_calls: [] });
    expect(a.tokens).toBe((a.usage as { total_tokens: number }).total_tokens);
    const b = await c.think({ prompt: 'brief', systemInstruction: 'be terse', thinkingLevel: 'low', temperature: 0 });
    expect(b.content).toBe('mock reply to: brief');
  });

  it("reaches a world's LLM by name, and passes through when the world says so", async () => {
    await c.worldCreate({ name: 'scripted', source: stringify({ name: 'scripted', llm: { rules: [{ match: { contains: 'ping' }, reply: 'pong' }] } }) });
    await c.worldCreate({ name: 'through', source: stringify({ name: 'through', llm: { mode: 'passthrough' } }) });
    expect(await c.think({ prompt: 'ping', world: 'scripted' })).toMatchObject({ content: 'pong', provider: 'world:scripted', model: 'world-mock' });
    expect(await c.think({ prompt: 'ping', world: 'through' })).toMatchObject({ content: 'mock reply to: ping', provider: 'mock' });
    const through = await c.worldState('through', { llm: true });
    expect(through.llm).toMatchObject({ mode: 'passthrough', calls: [{ mode: 'passthrough', prompt: 'user: ping', content: 'mock reply to: ping' }] });
  });

  it('fails calls during an injected llm.outage and recovers after it', async () => {
    await c.worldCreate({ name: 'flaky-llm', source: stringify({ name: 'flaky-llm', llm: { rules: [{ reply: 'fine' }] } }) });
    await c.worldEvent('flaky-llm', 'llm.outage', { duration: '30s' });
    await expect(c.think({ prompt: 'hello', world: 'flaky-llm' })).rejects.toMatchObject({ code: 'LLM_FAILED', details: { kind: 'outage', status: 503, provider: 'world:flaky-llm' } });
    await c.worldEvent('flaky-llm', 'clock.jump', { by: '31s' });
    expect((await c.think({ prompt: 'hello', world: 'flaky-llm' })).content).toBe('fine');
  });
});

describe('LLM quotas', () => {
  let c: CloveClient;
  const k = useTestKernel({ llm: { mock: { latencyMs: 50 } } });
  beforeAll(async () => {
    c = await k.client();
  });

  it('counts calls in flight against max_calls: a burst of 6 with a quota of 2 gets 2 answers', async () => {
    const agent = await c.spawn({
      name: 'bursty',
      script: fixture('agents', 'think-burst.ts'),
      env: { CLOVE_BURST: '6' },
      permissions: { level: 'STANDARD', llm: { allowed: true, maxCalls: 2, maxTokens: null } },
    });
    expect((await c.wait(agent.id, 20_000)).exitCode).toBe(0);
    expect((await c.fetch('burst:bursty')).value).toEqual({ ok: 2, errors: { LLM_QUOTA_EXCEEDED: 4 } });
    const metrics = await c.agentMetrics(agent.id);
    expect(metrics.llm).toMatchObject({ calls: 2, failures: 0, weight: 1 });
    expect(metrics.llm.tokens).toBeGreaterThan(0);
    expect((await c.getPerms(agent.id)).llmUsage.calls).toBe(2);
  });

  it('refuses a call whose max_tokens would pass the token quota before it reaches the model', async () => {
    const agent = await c.spawn({
      name: 'wordy',
      script: fixture('agents', 'think-burst.ts'),
      env: { CLOVE_BURST: '1', CLOVE_MAX_TOKENS: '500' },
      permissions: { level: 'STANDARD', llm: { allowed: true, maxCalls: null, maxTokens: 100 } },
    });
    await c.wait(agent.id, 20_000);
    expect((await c.fetch('burst:wordy')).value).toEqual({ ok: 0, errors: { LLM_QUOTA_EXCEEDED: 1 } });
    expect((await c.agentMetrics(agent.id)).llm.calls).toBe(0);
  });

  it('rejects a bad weight naming the field', async () => {
    await expect(c.spawn({ script: fixture('agents', 'think-burst.ts'), permissions: { level: 'STANDARD', llm: { weight: 0 } } as never })).rejects.toMatchObject({ message: expect.stringContaining('llm.weight') });
  });
});

/** A provider that takes `ms` of wall time per call and counts answers per caller. */
function timedProvider(ms: number): LlmProvider & { done: string[] } {
  const done: string[] = [];
  return {
    name: 'timed',
    done,
    async complete(request): Promise<Completion> {
      await new Promise((r) => setTimeout(r, ms));
      done.push(String(request.messages[0]!.content));
      return { content: '', tool_calls: [], finish_reason: 'stop', model: 'm', provider: 'timed', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
    },
  };
}

function jain(xs: number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  return (sum * sum) / (xs.length * xs.reduce((a, b) => a + b * b, 0));
}

describe('weighted fair queuing', () => {
  const signal = new AbortController().signal;

  it('shares the provider evenly with a greedy caller present (Jain >= 0.95)', async () => {
    const provider = timedProvider(2);
    const scheduler = new LlmScheduler(provider, 2);
    const ask = (caller: string, weight = 1) => scheduler.submit({ caller, weight, request: { messages: [{ role: 'user', content: caller }] }, signal });
    const greedy = Array.from({ length: 200 }, () => ask('greedy'));
    const polite = ['a', 'b', 'c', 'd', 'e'].map(async (name) => {
      for (let i = 0; i < 15; i++) await ask(name);
    });
    await Promise.all(polite);
    // While everyone was asking, everyone got about the same number of answers.
    const counts = ['a', 'b', 'c', 'd', 'e', 'greedy'].map((n) => provider.done.filter((d) => d === n).length);
    expect(counts.slice(0, 5)).toEqual([15, 15, 15, 15, 15]);
    expect(jain(counts)).toBeGreaterThanOrEqual(0.95);
    await Promise.all(greedy);
  });

  it('gives a caller with weight 2 twice the share of a caller with weight 1', async () => {
    const provider = timedProvider(1);
    const scheduler = new LlmScheduler(provider, 1);
    const ask = (caller: string, weight: number) => scheduler.submit({ caller, weight, request: { messages: [{ role: 'user', content: caller }] }, signal });
    const all = [...Array.from({ length: 60 }, () => ask('heavy', 2)), ...Array.from({ length: 60 }, () => ask('light', 1))];
    await Promise.all(all);
    const first = provider.done.slice(0, 60);
    const heavy = first.filter((d) => d === 'heavy').length;
    expect(heavy).toBeGreaterThanOrEqual(38);
    expect(heavy).toBeLessThanOrEqual(42);
  });

  it('limits concurrency per provider, not across providers', async () => {
    let running = 0;
    let peak = 0;
    const slow: LlmProvider = {
      name: 'slow',
      concurrency: 2,
      async complete() {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return { content: '', tool_calls: [], finish_reason: 'stop', model: 'm', provider: 'slow', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
      },
    };
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    const busy: LlmProvider = {
      name: 'busy',
      async complete() {
        await held;
        return { content: 'x', tool_calls: [], finish_reason: 'stop', model: 'm', provider: 'busy', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
      },
    };
    const scheduler = new LlmScheduler(busy, 1);
    let busyDone = false;
    const busyCall = scheduler.submit({ caller: 'x', request: { messages: [{ role: 'user', content: 'x' }] }, signal }).then(() => (busyDone = true));
    await Promise.all(Array.from({ length: 10 }, () => scheduler.submit({ caller: 'y', provider: slow, request: { messages: [{ role: 'user', content: 'y' }] }, signal })));
    expect(peak).toBe(2);
    // The slow provider's ten calls ran while the other provider's only slot was taken.
    expect(busyDone).toBe(false);
    expect(scheduler.running).toBe(1);
    release();
    await busyCall;
  });
});

describe('THINK in a world without an llm section', () => {
  it("reaches the kernel's provider and is logged in the world", async () => {
    const k = await testKernel();
    try {
      const c = await k.client();
      await c.worldCreate({ name: 'plain', source: stringify({ name: 'plain' }) });
      expect(await c.think({ prompt: 'hello', world: 'plain' })).toMatchObject({ content: 'mock reply to: hello', provider: 'mock', model: 'mock-1' });
      expect((await c.worldState('plain', { llm: true })).llm).toMatchObject({ mode: 'passthrough', calls: [{ prompt: 'user: hello', outcome: 'ok' }] });
    } finally {
      await k.stop();
    }
  });
});
