import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiProvider } from '../../kernel/llm/gemini.js';
import { MockProvider } from '../../kernel/llm/mock.js';
import { OpenAiProvider } from '../../kernel/llm/openai.js';
import type { LlmProvider, ThinkRequest } from '../../kernel/llm/provider.js';
import { RecordingProvider, ReplayProvider } from '../../kernel/llm/recording.js';
import { WorldLlmProvider } from '../../kernel/llm/world-provider.js';
import { createWorld } from '../../worlds/index.js';
import { FakeLlmServer } from '../helpers/fake-llm-server.js';

/** One suite every provider passes: the completion shape the scheduler and THINK rely on. */
const request: ThinkRequest = { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }], max_tokens: 64 };
const withTools: ThinkRequest = {
  messages: [{ role: 'user', content: 'read /a' }],
  tools: [{ name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }],
};
const signal = new AbortController().signal;

let openaiServer: FakeLlmServer;
let geminiServer: FakeLlmServer;
let dir: string;
const providers: Record<string, () => LlmProvider> = {};

beforeAll(async () => {
  openaiServer = await new FakeLlmServer('openai').start();
  geminiServer = await new FakeLlmServer('gemini').start();
  dir = mkdtempSync(join(tmpdir(), 'clove-contract-'));
  providers.mock = () => new MockProvider();
  providers.openai = () => new OpenAiProvider({ baseUrl: openaiServer.baseUrl, model: 'fake-model', maxRetries: 0 });
  providers.gemini = () => new GeminiProvider({ baseUrl: geminiServer.baseUrl, apiKey: 'k', model: 'fake-model', maxRetries: 0 });
  const world = createWorld({ name: 'contract', llm: { rules: [{ match: { in: 'tools', contains: 'read_file' }, tool_calls: [{ name: 'read_file', arguments: { path: '/a' } }] }, { reply: 'hi' }] } });
  providers.world = () => new WorldLlmProvider(() => world);
  // Record the mock's answers, then replay them.
  const file = join(dir, 'rec.jsonl');
  const recorder = new RecordingProvider(new MockProvider({ respond: (r) => (r.tools ? 'no tools in the mock' : 'recorded hi') }), file);
  await recorder.complete(request, signal);
  await recorder.complete(withTools, signal);
  providers.replay = () => new ReplayProvider(file);
});
afterAll(async () => {
  await openaiServer.stop();
  await geminiServer.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['mock', 'openai', 'gemini', 'world', 'replay'])('the %s provider', (name) => {
  it('answers with content, tool calls, a finish reason, a model, its name and consistent usage', async () => {
    openaiServer.reset();
    geminiServer.reset();
    openaiServer.next({ text: 'hi' });
    geminiServer.next({ text: 'hi' });
    const provider = providers[name]!();
    const a = await provider.complete(request, signal);
    expect(typeof a.content).toBe('string');
    expect(a.content.length).toBeGreaterThan(0);
    expect(a.tool_calls).toEqual([]);
    expect(['stop', 'length']).toContain(a.finish_reason);
    expect(typeof a.model).toBe('string');
    expect(a.provider).toBe(name === 'world' ? 'world:contract' : name === 'replay' ? 'mock' : name);
    expect(a.usage.total_tokens).toBe(a.usage.prompt_tokens + a.usage.completion_tokens);
    expect(a.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('answers a request with tools either with text or with well-formed tool calls', async () => {
    openaiServer.reset();
    geminiServer.reset();
    openaiServer.next({ toolCall: { name: 'read_file', arguments: { path: '/a' } } });
    geminiServer.next({ toolCall: { name: 'read_file', arguments: { path: '/a' } } });
    const a = await providers[name]!().complete(withTools, signal);
    if (name === 'openai' || name === 'gemini' || name === 'world') expect(a.tool_calls).toHaveLength(1);
    for (const call of a.tool_calls) {
      expect(call).toEqual({ id: expect.any(String), name: 'read_file', arguments: expect.any(Object) });
    }
    expect(a.finish_reason).toBe(a.tool_calls.length ? 'tool_calls' : 'stop');
  });
});
