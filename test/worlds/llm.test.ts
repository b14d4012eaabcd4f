import { describe, expect, it } from 'vitest';
import { createWorld, World, type LlmDefinition, type WorldDefinition, type WorldLlmRequest } from '../../worlds/index.js';

const user = (content: string): WorldLlmRequest => ({ messages: [{ role: 'user', content }] });

function world(llm: LlmDefinition, extra: Partial<WorldDefinition> = {}, seed: number | string = 1): World {
  return createWorld({ name: 'llm-w', llm, ...extra }, { seed });
}

async function outcome(w: World, request: WorldLlmRequest): Promise<string> {
  try {
    const a = await w.llm.complete(request);
    return a.tool_calls.length ? `call:${a.tool_calls.map((c) => `${c.name}${JSON.stringify(c.arguments)}`).join(',')}` : a.content;
  } catch (error) {
    return `fail:${(error as { kind: string }).kind}`;
  }
}

describe("a world's LLM", () => {
  it('answers by rules on the last user message, the last tool result or a JSON path, with a default', async () => {
    const w = world({
      rules: [
        { name: 'after-read', match: { in: 'last_tool', regex: 'version=(\\d+)' }, reply: 'the version is {{1}}' },
        { name: 'read', match: { contains: 'version' }, tool_calls: [{ name: 'read_file', arguments: { path: '/app/VERSION' } }] },
        { name: 'json', match: { json_path: '$.messages[0].role', equals: 'system' }, reply: 'I see a system prompt' },
        { name: 'greet', match: { regex: '^hi\\b' }, reply: 'hello' },
      ],
      default: { reply: 'I do not know' },
    });
    expect(await outcome(w, user('which version is deployed?'))).toBe('call:read_file{"path":"/app/VERSION"}');
    const followUp: WorldLlmRequest = {
      messages: [
        { role: 'user', content: 'which version is deployed?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', name: 'read_file', arguments: { path: '/app/VERSION' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'version=42' },
      ],
    };
    expect(await outcome(w, followUp)).toBe('the version is 42');
    expect(await outcome(w, { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'x' }] })).toBe('I see a system prompt');
    expect(await outcome(w, user('hi there'))).toBe('hello');
    expect(await outcome(w, user('what?'))).toBe('I do not know');
    expect(w.llm.log.map((e) => e.rule)).toEqual(['read', 'after-read', 'json', 'greet', 'default']);
  });

  it('gives the default mock reply when nothing matches and no default is set', async () => {
    const w = world({});
    const a = await w.llm.complete(user('anything'));
    expect(a).toMatchObject({ content: 'mock reply to: anything', model: 'world-mock', provider: 'world:llm-w', finish_reason: 'stop' });
    expect(a.usage.total_tokens).toBe(a.usage.prompt_tokens + a.usage.completion_tokens);
  });

  it('answers a sequence in order, then repeats, loops or hands over to the next rule', async () => {
    const w = world({
      rules: [
        { match: { contains: 'a' }, sequence: [{ reply: 'a1' }, { reply: 'a2' }] },
        { match: { contains: 'b' }, sequence: [{ reply: 'b1' }, { reply: 'b2' }], sequence_end: 'loop' },
        { match: { contains: 'c' }, sequence: [{ reply: 'c1' }], sequence_end: 'next-rule' },
        { match: { contains: 'c' }, reply: 'c-after' },
      ],
    });
    const got: string[] = [];
    for (const p of ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c']) got.push(await outcome(w, user(p)));
    expect(got).toEqual(['a1', 'a2', 'a2', 'b1', 'b2', 'b1', 'c1', 'c-after']);
  });

  it('chooses among variants with the world seed: same seed, same choices', async () => {
    const def: LlmDefinition = { rules: [{ variants: [{ reply: 'red' }, { reply: 'green' }, { reply: 'blue' }] }] };
    const run = async (seed: number) => {
      const w = world(def, {}, seed);
      const out: string[] = [];
      for (let i = 0; i < 20; i++) out.push(await outcome(w, user('colour?')));
      return out;
    };
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(c).not.toEqual(a);
  });

  it('takes its latency on the world clock', async () => {
    const w = world({ latency_ms: 1500, rules: [{ match: { contains: 'slow' }, reply: 'zzz', latency_ms: { min: 5000, max: 5000 } }] }, { clock: { mode: 'discrete' } });
    const t0 = w.now();
    const fast = await w.llm.complete(user('quick'));
    expect(fast.latency_ms).toBe(1500);
    expect(w.now() - t0).toBe(1500);
    await w.llm.complete(user('slow please'));
    expect(w.now() - t0).toBe(6500);
  });

  it('fails at the seeded error rate, the same calls on every run', async () => {
    const run = async () => {
      const w = world({ error_rate: 0.3, error_kind: 'server_error' }, {}, 'fail-seed');
      const out: string[] = [];
      for (let i = 0; i < 40; i++) out.push(await outcome(w, user(`q${i}`)));
      return out;
    };
    const a = await run();
    expect(a).toEqual(await run());
    const failures = a.filter((o) => o === 'fail:server_error').length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(24);
  });

  it('scripts failures: rate limit, timeout after its virtual time, malformed', async () => {
    const w = world({ timeout_ms: 20_000, rules: [{ match: { contains: 'x' }, sequence: [{ fail: 'rate_limit' }, { fail: 'timeout' }, { fail: 'malformed' }, { reply: 'finally' }] }] });
    const t0 = w.now();
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(await outcome(w, user('x')));
    expect(got).toEqual(['fail:rate_limit', 'fail:timeout', 'fail:malformed', 'finally']);
    expect(w.now() - t0).toBe(20_000);
    await expect(w.llm.complete(user('x')).then(() => w.llm.complete({ messages: [{ role: 'user', content: 'x' }] }))).resolves.toMatchObject({ content: 'finally' });
  });

  it('obeys llm.outage, llm.latency and llm.error_rate events, scheduled or injected, until they expire', async () => {
    const w = world({ rules: [{ reply: 'up' }] }, { events: [{ type: 'llm.outage', at: '10s', params: { duration: '5s' } }] });
    expect(await outcome(w, user('1'))).toBe('up');
    await w.clock.advance(10_000);
    expect(await outcome(w, user('2'))).toBe('fail:outage');
    await w.clock.advance(5_000);
    expect(await outcome(w, user('3'))).toBe('up');
    w.inject('llm.latency', { latency_ms: 700, duration: '1m' });
    expect((await w.llm.complete(user('4'))).latency_ms).toBe(700);
    w.inject('llm.error_rate', { rate: 1, kind: 'rate_limit', duration: '1s' });
    expect(await outcome(w, user('5'))).toBe('fail:rate_limit');
    await w.clock.advance(1_000);
    expect(await outcome(w, user('6'))).toBe('up');
    expect(w.timeline.map((e) => e.type)).toEqual(['llm.outage', 'llm.latency', 'llm.error_rate']);
    expect(() => w.inject('llm.error_rate', { rate: 2 })).toThrow(/llm.error_rate/);
  });

  it('restores its sequences, random state, faults and log from a snapshot', async () => {
    const def: LlmDefinition = {
      error_rate: 0.2,
      rules: [
        { match: { contains: 'seq' }, sequence: [{ reply: 's1' }, { reply: 's2' }, { reply: 's3' }, { reply: 's4' }] },
        { variants: [{ reply: 'v1' }, { reply: 'v2' }, { reply: 'v3' }] },
      ],
    };
    const w = world(def, {}, 3);
    await outcome(w, user('seq'));
    await outcome(w, user('pick'));
    w.inject('llm.latency', { latency_ms: 10 });
    const bytes = w.snapshot();
    const fork = World.restore(bytes, { name: 'llm-fork' });
    expect(fork.llm.log).toEqual(w.llm.log);
    expect(fork.llm.faults()).toEqual(w.llm.faults());
    const next = async (x: World) => [await outcome(x, user('seq')), await outcome(x, user('pick')), await outcome(x, user('pick')), await outcome(x, user('seq'))];
    expect(await next(fork)).toEqual(await next(w));
    expect(fork.stateHash()).toBe(w.stateHash());
  });

  it('records every prompt so a grader can check what was asked', async () => {
    const w = world({ rules: [{ reply: 'ok' }] });
    await w.llm.complete({ messages: [{ role: 'system', content: 'you are careful' }, { role: 'user', content: 'summarise the report' }] });
    await w.llm.complete(user('the password is hunter2')).catch(() => undefined);
    expect(w.llm.prompts()).toEqual(['system: you are careful\nuser: summarise the report', 'user: the password is hunter2']);
    expect(w.llm.prompts().some((p) => p.includes('hunter2'))).toBe(true);
  });

  it('rejects a bad llm section with the schema error naming it', () => {
    expect(() => createWorld({ name: 'bad', llm: { mode: 'bogus' as 'mock' } })).toThrow(/llm.*mode|mode.*mock, "passthrough"/s);
    expect(() => createWorld({ name: 'bad', llm: { rules: [{ match: { regex: '(' } }] } })).toThrow(/regular expression/);
  });
});
