/* eslint-disable @typescript-eslint/no-explicit-any */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer, type Wire } from '../helpers/fake-llm-server.js';
import { useTestKernel } from '../helpers/kernel.js';

const KEY = 'sk-test-SECRET-7f3a9c';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

/** Where each wire format carries what the tests look for. */
const wire = {
  openai: {
    path: '/v1/chat/completions',
    key: (h: Record<string, unknown>) => h.authorization,
    expectedKey: `Bearer ${KEY}`,
    lastUser: (b: any) => b.messages.at(-1),
    image: (b: any) => b.messages.at(-1).content.find((p: any) => p.type === 'image_url')?.image_url.url,
    expectedImage: `data:image/png;base64,${PNG}`,
    toolNames: (b: any) => b.tools.map((t: any) => t.function.name),
    system: (b: any) => b.messages[0].content,
    retry429: { status: 429, headers: { 'retry-after': '1' } },
  },
  gemini: {
    path: '/v1beta/models/fake-model:generateContent',
    key: (h: Record<string, unknown>) => h['x-goog-api-key'],
    expectedKey: KEY,
    lastUser: (b: any) => b.contents.at(-1),
    image: (b: any) => b.contents.at(-1).parts.find((p: any) => p.inlineData)?.inlineData.data,
    expectedImage: PNG,
    toolNames: (b: any) => b.tools[0].functionDeclarations.map((t: any) => t.name),
    system: (b: any) => b.systemInstruction.parts[0].text,
    // Gemini says how long to wait in the body (RetryInfo); the header is there too.
    retry429: {
      status: 429,
      headers: { 'retry-after': '1' },
      body: JSON.stringify({ error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }] } }),
    },
  },
} as const;

describe.each(['openai', 'gemini'] as Wire[])('THINK through the %s provider against a local server', (kind) => {
  const w = wire[kind];
  let server: FakeLlmServer;
  const logs: string[] = [];

  beforeAll(async () => {
    server = await new FakeLlmServer(kind).start();
  });
  const llm = () => ({ provider: kind, baseUrl: server.baseUrl, apiKey: KEY, model: 'fake-model' }) as const;
  const k = useTestKernel(() => ({ llm: { ...llm(), maxRetries: 2, timeoutMs: 5000 }, log: (line: string) => logs.push(line) }));
  const quick = useTestKernel(() => ({ llm: { ...llm(), maxRetries: 0, timeoutMs: 300 }, log: (line: string) => logs.push(line) }));
  afterAll(async () => {
    await server?.stop();
  });

  it('answers text with usage, sending the system prompt, the key and the model', async () => {
    server.reset();
    server.next({ text: 'pong', usage: [7, 1] });
    const c = await k.client();
    const r = await c.think({ prompt: 'ping', systemInstruction: 'be brief', maxTokens: 5, temperature: 0.2, stop: ['\n'], seed: 3 });
    expect(r).toMatchObject({ success: true, content: 'pong', text: 'pong', provider: kind, toolCalls: [], finishReason: 'stop', usage: { promptTokens: 7, completionTokens: 1, totalTokens: 8 }, tokens: 8 });
    expect(server.seen[0]!.url).toBe(w.path);
    expect(w.key(server.seen[0]!.headers)).toBe(w.expectedKey);
    expect(w.system(server.seen[0]!.body)).toBe('be brief');
  });

  it('sends tool definitions and returns the tool calls the model makes', async () => {
    server.reset();
    server.next({ toolCall: { name: 'read_file', arguments: { path: '/etc/motd' } } });
    const c = await k.client();
    const r = await c.think({
      prompt: 'read the motd',
      tools: [{ name: 'read_file', description: 'read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }],
      toolChoice: 'required',
    });
    expect(r.finishReason).toBe('tool_calls');
    expect(r.toolCalls).toEqual([{ id: expect.any(String), name: 'read_file', arguments: { path: '/etc/motd' } }]);
    expect(w.toolNames(server.seen[0]!.body)).toEqual(['read_file']);
    // The conversation continues with the tool's result.
    server.next({ text: 'done' });
    const call = r.toolCalls[0]!;
    const next = await c.think({
      messages: [
        { role: 'user', content: 'read the motd' },
        { role: 'assistant', content: null, toolCalls: [call] },
        { role: 'tool', toolCallId: call.id, content: 'welcome' },
      ],
      tools: [{ name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }],
    });
    expect(next.content).toBe('done');
    expect(JSON.stringify(server.seen[1]!.body)).toContain('welcome');
  });

  it('sends an image with the prompt', async () => {
    server.reset();
    server.next({ text: 'a tiny png' });
    const c = await k.client();
    const r = await c.think({ prompt: 'what is this?', image: { data: PNG, mimeType: 'image/png' } });
    expect(r.content).toBe('a tiny png');
    expect(w.image(server.seen[0]!.body)).toBe(w.expectedImage);
  });

  it('waits as long as a 429 asks (Retry-After) and then succeeds', async () => {
    server.reset();
    server.next(w.retry429, { text: 'after the wait' });
    const c = await k.client();
    const r = await c.think('hurry');
    expect(r.content).toBe('after the wait');
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]!.at - server.seen[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('retries a 500 and succeeds', async () => {
    server.reset();
    server.next({ status: 500 }, { text: 'second time lucky' });
    const c = await k.client();
    expect((await c.think('again')).content).toBe('second time lucky');
    expect(server.seen).toHaveLength(2);
  });

  it('gives up after its retries with LLM_FAILED naming the kind', async () => {
    server.reset();
    server.next({ status: 503 }, { status: 503 }, { status: 503 });
    const c = await k.client();
    await expect(c.think('down?')).rejects.toMatchObject({ code: 'LLM_FAILED', details: { kind: 'server_error', status: 503, provider: kind } });
    expect(server.seen).toHaveLength(3);
  });

  it('fails a call the server does not answer in time with kind timeout', async () => {
    server.reset();
    server.next({ hang: true });
    const c = await quick.client();
    await expect(c.think('slow')).rejects.toMatchObject({ code: 'LLM_FAILED', details: { kind: 'timeout' } });
  });

  it('fails a reply that is not JSON with kind malformed', async () => {
    server.reset();
    server.next({ raw: '{"choices": [ not json' });
    const c = await quick.client();
    await expect(c.think('garbled')).rejects.toMatchObject({ code: 'LLM_FAILED', details: { kind: 'malformed' } });
  });

  it('never writes the key to the kernel log, the audit log or an error', async () => {
    server.reset();
    server.next({ status: 401, body: JSON.stringify({ error: { message: 'bad key' } }) });
    const c = await quick.client();
    const error = await c.think('who am I').catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect((error as Error).message).not.toContain(KEY);
    await c.think('fine');
    await new Promise((r) => setTimeout(r, 400)); // the audit log flushes every 250 ms
    const audit = readFileSync(join(quick.dir, 'audit.log'), 'utf8');
    expect(audit).toContain('THINK');
    expect(audit).not.toContain(KEY);
    expect(logs.join('\n')).not.toContain(KEY);
  });
});
