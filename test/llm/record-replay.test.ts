import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createProvider, llmEnvironment } from '../../kernel/llm/config.js';
import type { CloveClient, ThinkOptions } from '../../sdk/index.js';
import { FakeLlmServer } from '../helpers/fake-llm-server.js';
import { testKernel } from '../helpers/kernel.js';

const TOOLS = [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }];

/** A small "episode": text, a tool call and its follow-up, and a rate-limited call. */
async function episode(c: CloveClient): Promise<unknown[]> {
  const out: unknown[] = [];
  const ask = async (request: ThinkOptions) => {
    try {
      const { queueMs: _q, latencyMs: _l, ...rest } = await c.think(request);
      out.push(rest);
      return rest;
    } catch (error) {
      const e = error as { code: string; message: string; details?: unknown };
      out.push({ error: e.code, message: e.message, details: e.details });
      return undefined;
    }
  };
  await ask({ prompt: 'plan the day', seed: 1 });
  const first = await ask({ prompt: 'look up the weather', tools: TOOLS });
  const call = first!.toolCalls[0]!;
  await ask({
    messages: [
      { role: 'user', content: 'look up the weather' },
      { role: 'assistant', content: null, toolCalls: [call] },
      { role: 'tool', toolCallId: call.id, content: 'sunny' },
    ],
    tools: TOOLS,
  });
  await ask({ prompt: 'this one is rate limited' });
  await ask({ prompt: 'plan the day', seed: 1 });
  return out;
}

describe('record and replay', () => {
  let dir: string;
  let server: FakeLlmServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clove-llm-rec-'));
    server = await new FakeLlmServer('openai').start();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays a recorded run exactly, with no model, and refuses a request it never saw', async () => {
    const file = join(dir, 'run.jsonl');
    server.next({ text: 'first plan' }, { toolCall: { name: 'lookup', arguments: { q: 'weather' } } }, { text: 'it is sunny' }, { status: 429 }, { text: 'second plan' });
    const recording = await testKernel({ llm: { provider: 'openai', baseUrl: server.baseUrl, model: 'fake-model', apiKey: 'sk-rec-SECRET', maxRetries: 0, record: file } });
    const recorded = await episode(await recording.client());
    await recording.stop();
    expect(recorded).toHaveLength(5);
    expect(recorded[3]).toMatchObject({ error: 'LLM_FAILED', details: { kind: 'rate_limit' } });
    expect(readFileSync(file, 'utf8')).not.toContain('sk-rec-SECRET');
    await server.stop();

    const replaying = await testKernel({ llm: { provider: 'replay', replay: file } });
    const c = await replaying.client();
    const replayed = await episode(c);
    expect(replayed).toEqual(recorded);
    // The same request asked twice got two different recorded answers, in order.
    expect((replayed[0] as { content: string }).content).toBe('first plan');
    expect((replayed[4] as { content: string }).content).toBe('second plan');
    await expect(c.think('something new')).rejects.toMatchObject({ code: 'LLM_FAILED', details: { kind: 'replay_miss' }, message: expect.stringContaining('has no answer for this request') });
    await replaying.stop();
    server = await new FakeLlmServer('openai').start();
  });
});

describe('provider configuration', () => {
  it('names the variables to set when a provider is not configured', () => {
    expect(() => createProvider({ provider: 'openai', envFile: false }, {})).toThrow(/CLOVE_LLM_MODEL.*CLOVE_LLM_BASE_URL.*OPENAI_API_KEY/);
    expect(() => createProvider({ provider: 'gemini', envFile: false }, {})).toThrow(/GEMINI_API_KEY/);
    expect(() => createProvider({ provider: 'replay', envFile: false }, {})).toThrow(/CLOVE_LLM_REPLAY/);
    expect(() => createProvider({ envFile: false }, { CLOVE_LLM_PROVIDER: 'claude' })).toThrow(/unknown LLM provider 'claude'.*mock, openai, gemini or replay/);
  });

  it('reads keys from a .env file without putting them in the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'GEMINI_API_KEY=from-dotenv\nCLOVE_LLM_PROVIDER=gemini\nUNRELATED=1\n');
    const env = { CLOVE_LLM_MODEL: 'gemini-x' };
    const vars = llmEnvironment({ envFile: file }, env);
    expect(vars).toMatchObject({ GEMINI_API_KEY: 'from-dotenv', CLOVE_LLM_PROVIDER: 'gemini', CLOVE_LLM_MODEL: 'gemini-x' });
    expect(vars.UNRELATED).toBeUndefined();
    expect(createProvider({ envFile: file }, env).name).toBe('gemini');
    expect(process.env.GEMINI_API_KEY).not.toBe('from-dotenv');
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps model keys out of agents' environments", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-env-agent-'));
    // A root kernel runs plain agents as uid 65534: the script must be reachable for it.
    chmodSync(dir, 0o755);
    const script = join(dir, 'env.mjs');
    writeFileSync(script, "console.log(JSON.stringify(Object.keys(process.env).filter((k) => /KEY|LLM/.test(k))));\n", { mode: 0o644 });
    const saved = { OPENAI_API_KEY: process.env.OPENAI_API_KEY, GEMINI_API_KEY: process.env.GEMINI_API_KEY, CLOVE_LLM_API_KEY: process.env.CLOVE_LLM_API_KEY };
    process.env.OPENAI_API_KEY = 'sk-agent-must-not-see';
    process.env.GEMINI_API_KEY = 'g-agent-must-not-see';
    process.env.CLOVE_LLM_API_KEY = 'c-agent-must-not-see';
    const k = await testKernel();
    try {
      const c = await k.client();
      const agent = await c.spawn({ script, env: { VISIBLE_LLM_HINT: 'yes' } });
      await c.wait(agent.id, 20_000);
      const out = (await c.logs(agent.id)).lines.map((l) => l.text).join('\n');
      expect(out).toContain('VISIBLE_LLM_HINT');
      expect(out).not.toMatch(/OPENAI_API_KEY|GEMINI_API_KEY|CLOVE_LLM_API_KEY/);
    } finally {
      for (const [k2, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k2];
        else process.env[k2] = v;
      }
      await k.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an LLM agent episode recorded with a model and replayed without one', () => {
  it('ends in the same world, with the same answer and the same requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-llm-episode-'));
    const file = join(dir, 'episode.jsonl');
    const server = await new FakeLlmServer('openai').start();
    server.next(
      { toolCall: { name: 'read_file', arguments: { path: '/project/config.json' } } },
      { toolCall: { name: 'write_file', arguments: { path: '/project/config.json', content: '{"port": 8080}' } } },
      { toolCall: { name: 'done', arguments: { answer: 'fixed' } } },
    );
    const world = stringify({ name: 'episode', filesystem: { files: [{ path: '/project/config.json', content: '{"port": "8080x"}' }] } });
    const agentMain = join(import.meta.dirname, '..', '..', 'dist', 'agents', 'main.js');
    const run = async (llm: Parameters<typeof testKernel>[0]) => {
      const k = await testKernel(llm);
      try {
        const c = await k.client();
        await c.worldCreate({ name: 'episode', source: world, seed: 4 });
        const agent = await c.spawn({ script: agentMain, world: 'episode', env: { CLOVE_TASK: JSON.stringify({ text: 'Repair /project/config.json' }) } });
        const done = await c.wait(agent.id, 60_000);
        const logs = (await c.logs(agent.id)).lines.map((l) => l.text).join('\n');
        const state = await c.worldState('episode', { llm: true, diff: true });
        return { exit: done.exitCode, logs, file: (await c.read('/project/config.json', { world: 'episode' } as never)).content, calls: state.llm!.calls.map((x) => [x.prompt, x.content, x.toolCalls]), diff: state.diff };
      } finally {
        await k.stop();
      }
    };
    try {
      const recorded = await run({ llm: { provider: 'openai', baseUrl: server.baseUrl, model: 'fake-model', maxRetries: 0, record: file } });
      expect(recorded.exit, recorded.logs).toBe(0);
      expect(recorded.file).toBe('{"port": 8080}');
      expect(recorded.logs).toContain('answer "fixed"');
      await server.stop();
      const replayed = await run({ llm: { provider: 'replay', replay: file } });
      expect(replayed).toEqual(recorded);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
