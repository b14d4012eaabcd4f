import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmScheduler } from '../../kernel/llm/scheduler.js';
import type { LlmProvider, ThinkRequest } from '../../kernel/llm/provider.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';

describe('THINK', () => {
  const k = useTestKernel({ llm: { mock: { responses: ['first', 'second'] } } });

  it('answers from the deterministic mock with usage and timings', async () => {
    const c = await k.client();
    const a = await c.think('hello there');
    const b = await c.think({ system: 'be brief', prompt: 'again' });
    expect([a.text, b.text]).toEqual(['first', 'second']);
    expect(a).toMatchObject({ provider: 'mock', model: 'mock-1' });
    expect(a.usage.totalTokens).toBe(a.usage.promptTokens + a.usage.completionTokens);
    expect(a.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('rejects a malformed request naming the field', async () => {
    const c = await k.client();
    await expect(c.think({ messages: [{ role: 'robot' as 'user', content: 'x' }] })).rejects.toMatchObject({ code: 'KERNEL_BAD_REQUEST', message: expect.stringContaining('messages[0]') });
  });

  it("enforces an agent's call quota when THINK arrives", async () => {
    const c = await k.client();
    const steps = [['think', 'one'], ['think', 'two'], ['think', 'three']];
    const agent = await c.spawn({
      script: fixture('agents', 'scripted.ts'),
      env: { CLOVE_SCRIPT: JSON.stringify(steps) },
      permissions: { level: 'STANDARD', llm: { allowed: true, maxCalls: 2, maxTokens: null } },
    });
    expect((await c.wait(agent.id, 20_000)).exitCode).toBe(0);
    const third = (await c.fetch<{ error?: string }>('result:2')).value;
    expect(third?.error).toBe('LLM_QUOTA_EXCEEDED');
    expect((await c.fetch<{ ok?: unknown }>('result:1')).value?.ok).toBeDefined();
  });
});

describe('THINK through an OpenAI-compatible server', () => {
  let server: Server;
  let port: number;
  const seen: unknown[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ model: 'tiny', choices: [{ message: { role: 'assistant', content: 'pong' } }], usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  const k = useTestKernel(() => ({ llm: { provider: 'openai', baseUrl: `http://127.0.0.1:${port}/v1`, model: 'tiny', apiKey: 'sk-test' } }));
  afterAll(async () => {
    server.close();
  });

  it('sends chat completions and reports the provider usage', async () => {
    const c = await k.client();
    const result = await c.think({ prompt: 'ping', maxTokens: 5 });
    expect(result).toMatchObject({ success: true, content: 'pong', text: 'pong', tokens: 8, model: 'tiny', provider: 'openai', usage: { totalTokens: 8 } });
    expect(seen[0]).toMatchObject({ url: '/v1/chat/completions', auth: 'Bearer sk-test', body: { model: 'tiny', max_tokens: 5, messages: [{ role: 'user', content: 'ping' }] } });
  });
});

describe('LLM scheduler', () => {
  it('takes turns between callers so one cannot starve another', async () => {
    const order: string[] = [];
    const provider: LlmProvider = {
      name: 'recording',
      async complete(request: ThinkRequest) {
        order.push(String(request.messages[0]!.content));
        await new Promise((r) => setTimeout(r, 1));
        return { content: '', tool_calls: [], finish_reason: 'stop', model: 'm', provider: 'recording', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
      },
    };
    const scheduler = new LlmScheduler(provider, 1);
    const signal = new AbortController().signal;
    const calls = [
      ...Array.from({ length: 5 }, (_, i) => scheduler.submit({ caller: 'chatty', request: { messages: [{ role: 'user', content: `a${i}` }] }, signal })),
      scheduler.submit({ caller: 'quiet', request: { messages: [{ role: 'user', content: 'b0' }] }, signal }),
    ];
    await Promise.all(calls);
    expect(order.indexOf('b0')).toBeLessThanOrEqual(2);
  });
});
