import { afterEach, describe, expect, it } from 'vitest';
import {
  EpisodeStatistics,
  InvalidActionError,
  make,
  makeUnwrapped,
  Registry,
  ResetNeededError,
  runEpisode,
  toolsFromEnv,
  type Action,
  type Env,
  type EnvSpec,
  type Observation,
} from '../../gym/index.js';
import counter, { counterScenario, gradeCounter, referenceCounter } from '../fixtures/gym/counter.mjs';

const opened: Env[] = [];
async function env(options: Parameters<typeof makeUnwrapped>[1] = {}, spec: EnvSpec | string = counter) {
  const e = await makeUnwrapped(spec, { sandbox: false, ...options });
  opened.push(e);
  return e;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((e) => e.close()));
});

function result(o: Observation): unknown {
  if (o.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(o)}`);
  return o.result;
}

describe('reset and step', () => {
  it('starts with the task and acts on the seed-specific world', async () => {
    const e = await env();
    const { observation, info } = await e.reset({ seed: 3 });
    expect(observation).toMatchObject({ type: 'task', task: { scenario: 'counter-v1', seed: 3, agent: 'agent' } });
    expect(info).toEqual({ seed: 3, scenario: 'counter-v1' });
    const step = await e.step({ tool: 'read_file', args: { path: '/data/input.txt' } });
    expect(result(step.observation)).toEqual({ content: '775\n' });
    expect(step).toMatchObject({ reward: 0, terminated: false, truncated: false, info: { step: 1, tool: 'read_file' } });
    await e.reset({ seed: 4 });
    expect(result((await e.step({ tool: 'read_file', args: { path: '/data/input.txt' } })).observation)).not.toEqual({ content: '775\n' });
  });

  it('turns a tool failure into an observation, as for a real agent', async () => {
    const e = await env();
    await e.reset({ seed: 0 });
    const missing = await e.step({ tool: 'read_file', args: { path: '/nope.txt' } });
    expect(missing.observation).toMatchObject({ type: 'failure', tool: 'read_file', error: { code: 'FS_NOT_FOUND' } });
    const dir = await e.step({ tool: 'read_file', args: { path: '/data' } });
    expect(dir.observation).toMatchObject({ type: 'failure', tool: 'read_file', error: { code: 'EISDIR', message: expect.stringMatching(/use list_dir/) } });
    const exit1 = await e.step({ tool: 'exec', args: { command: 'exit 1' } });
    expect(result(exit1.observation)).toMatchObject({ exit_code: 1 });
    const notFound = await e.step({ tool: 'http', args: { url: 'https://api.test/missing' } });
    expect(result(notFound.observation)).toMatchObject({ status: 404 });
    const blocked = await e.step({ tool: 'http', args: { url: 'https://elsewhere.test/' } });
    expect(blocked.observation).toMatchObject({ type: 'failure', error: { code: 'HTTP_BLOCKED' } });
    expect(missing.terminated || exit1.terminated || notFound.terminated).toBe(false);
  });

  it('runs exec in a copy of the world tree and syncs what it wrote back', async () => {
    const e = await env();
    await e.reset({ seed: 0 });
    const r = await e.step({ tool: 'exec', args: { command: 'cat input.txt > copy.txt; pwd', cwd: '/data' } });
    expect(result(r.observation)).toMatchObject({ exit_code: 0, stdout: '/data\n' });
    expect(e.world.fs.readFile('/data/copy.txt').toString()).toBe(e.world.fs.readFile('/data/input.txt').toString());
  });

  it('moves the discrete world clock only by sleeps and latency', async () => {
    const e = await env();
    const { observation } = await e.reset({ seed: 0 });
    const t0 = observation.time;
    const slow = await e.step({ tool: 'http', args: { url: 'https://api.test/slow' } });
    expect(slow.observation.time - t0).toBe(1500);
    await e.step({ tool: 'sleep', args: { ms: 11 * 60_000 } });
    // The world's scheduled event at 10 minutes fired on the way.
    expect(result((await e.step({ tool: 'read_file', args: { path: '/data/late.txt' } })).observation)).toEqual({ content: 'late' });
  });

  it('counts think calls and tokens through the deterministic mock LLM', async () => {
    const e = await env();
    await e.reset({ seed: 0 });
    const r = await e.step({ tool: 'think', args: { prompt: 'What is twice 21?' } });
    expect(result(r.observation)).toEqual({ content: 'mock reply to: What is twice 21?', tokens: expect.any(Number) });
    const end = await e.step({ tool: 'submit', args: { answer: 'x' } });
    expect(end.info.record?.metrics).toMatchObject({ llmCalls: 1, syscalls: { think: 1, submit: 1 } });
  });
});

describe('invalid actions', () => {
  it.each([
    [{ tool: 'read_file', args: {} }, '/args/path', 'is required'],
    [{ tool: 'read_file', args: { path: 7 } }, '/args/path', 'must be string'],
    [{ tool: 'teleport', args: {} }, '/tool', 'must be one of'],
    [{ tool: 'sleep', args: { ms: -1 } }, '/args/ms', 'must be >= 0'],
    [{ tool: 'write_file', args: { path: '/a', content: 'x', mode: 1 } }, '/args/mode', 'is not an allowed property'],
    ['read_file', '', 'must be an object'],
  ])('rejects %j naming %s and leaves the episode exactly as it was', async (action, field, expected) => {
    const e = await env();
    await e.reset({ seed: 1 });
    await e.step({ tool: 'write_file', args: { path: '/data/x', content: 'y' } });
    const before = { hash: e.stateHash(), steps: e.steps };
    const error = await e.step(action as unknown as Action).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(InvalidActionError);
    expect(error).toMatchObject({ code: 'GYM_ACTION_INVALID', field });
    expect((error as Error).message).toContain(expected);
    expect({ hash: e.stateHash(), steps: e.steps }).toEqual(before);
  });
});

describe('termination and truncation', () => {
  it('terminates on submit with the reward broken down by check', async () => {
    const e = await env();
    await e.reset({ seed: 2 });
    const value = Number((result((await e.step({ tool: 'read_file', args: { path: '/data/input.txt' } })).observation) as { content: string }).content);
    await e.step({ tool: 'write_file', args: { path: '/data/output.txt', content: String(value * 2) } });
    const end = await e.step({ tool: 'submit', args: { answer: 'wrong' } });
    expect(end).toMatchObject({ terminated: true, truncated: false, reward: 0.5, info: { reason: 'submitted' } });
    expect(end.info.record).toMatchObject({ outcome: 'failed', reason: 'submitted', success: false, reward: 0.5, answer: 'wrong' });
    expect(end.info.record?.breakdown.components).toEqual([
      { id: 'output', weight: 1, passed: true, reward: 0.5 },
      { id: 'answer', weight: 1, passed: false, reward: 0 },
    ]);
    expect(end.info.record?.checks.find((c) => c.id === 'answer')?.message).toContain('expected');
  });

  it.each([
    [{ steps: 3 }, 'step_limit', { tool: 'list_dir', args: { path: '/' } }],
    [{ syscalls: 2 }, 'syscall_limit', { tool: 'list_dir', args: { path: '/' } }],
    [{ virtualTimeMs: 60_000 }, 'time_limit', { tool: 'sleep', args: { ms: 25_000 } }],
    [{ tokens: 20 }, 'token_limit', { tool: 'think', args: { prompt: 'a prompt of a few tokens' } }],
  ] as const)('truncates at %j with reason %s and refuses further steps until reset', async (limits, reason, action) => {
    const e = await env({ limits });
    await e.reset({ seed: 0 });
    let last;
    for (let i = 0; i < 10 && !(last?.truncated || last?.terminated); i++) last = await e.step(action as Action);
    expect(last).toMatchObject({ truncated: true, terminated: false, reward: 0, info: { reason } });
    expect(last?.info.record).toMatchObject({ outcome: 'truncated', reason, success: false });
    await expect(e.step(action as Action)).rejects.toBeInstanceOf(ResetNeededError);
    await e.reset({ seed: 0 });
    await expect(e.step(action as Action)).resolves.toMatchObject({ info: { step: 1 } });
  });

  it('truncates at the wall-time limit', async () => {
    const e = await env({ limits: { wallTimeMs: 5 } });
    await e.reset({ seed: 0 });
    await new Promise((r) => setTimeout(r, 10));
    expect(await e.step({ tool: 'list_dir', args: { path: '/' } })).toMatchObject({ truncated: true, info: { reason: 'wall_limit' } });
  });

  it('makes step-before-reset a clear error (OrderEnforcing in make)', async () => {
    const wrapped = await make(counter, { sandbox: false });
    opened.push(wrapped);
    await expect(wrapped.step({ tool: 'list_dir', args: { path: '/' } })).rejects.toMatchObject({ code: 'GYM_RESET_NEEDED' });
  });
});

describe('reset, seeding and fork', () => {
  it('restores the initial snapshot on reset: nothing of the last episode remains', async () => {
    const e = await env();
    await e.reset({ seed: 5 });
    const initial = e.stateHash();
    await e.step({ tool: 'write_file', args: { path: '/data/junk', content: 'x' } });
    await e.step({ tool: 'sleep', args: { ms: 3_600_000 } });
    expect(e.stateHash()).not.toBe(initial);
    await e.reset({ seed: 5 });
    expect(e.stateHash()).toBe(initial);
  });

  it('follows Gymnasium seeding: reset() continues the sequence from the last seed', async () => {
    const e = await env();
    const seeds = [];
    for (const s of [10, undefined, undefined, 10, undefined, undefined]) seeds.push((await e.reset(s === undefined ? {} : { seed: s })).info.seed);
    expect(seeds.slice(3)).toEqual(seeds.slice(0, 3));
    expect(new Set(seeds.slice(0, 3)).size).toBe(3);
  });

  it('forks into independent envs that continue from the current state', async () => {
    const e = await env();
    await e.reset({ seed: 6 });
    await e.step({ tool: 'write_file', args: { path: '/data/shared', content: 'before fork' } });
    const forks = await e.fork(3);
    opened.push(...forks);
    expect(forks.map((f) => f.stateHash())).toEqual([e.stateHash(), e.stateHash(), e.stateHash()]);
    await forks[0]!.step({ tool: 'write_file', args: { path: '/data/shared', content: 'fork 0' } });
    await forks[1]!.step({ tool: 'delete', args: { path: '/data/shared' } });
    expect(e.world.fs.readFile('/data/shared').toString()).toBe('before fork');
    expect(forks[0]!.world.fs.readFile('/data/shared').toString()).toBe('fork 0');
    expect(forks[1]!.world.fs.exists('/data/shared')).toBe(false);
    expect(forks[2]!.world.fs.readFile('/data/shared').toString()).toBe('before fork');
    expect(forks[0]!.steps).toBe(2);
    const done = await forks[2]!.step({ tool: 'submit', args: {} });
    expect(done.terminated).toBe(true);
    await expect(e.step({ tool: 'list_dir', args: { path: '/' } })).resolves.toMatchObject({ terminated: false });
  });
});

describe('multi-agent episodes', () => {
  it('exchanges messages with a scripted peer on the world clock', async () => {
    const spec: EnvSpec = { id: 'pingpong-v1', scenario: counterScenario({ name: 'pingpong', peer: true }), grade: gradeCounter };
    const e = await env({}, spec);
    const { observation } = await e.reset({ seed: 0 });
    await e.step({ tool: 'send', args: { to: 'helper', message: 'ping' } });
    const got = await e.step({ tool: 'recv', args: { timeout_ms: 60_000 } });
    expect(result(got.observation)).toEqual({ from: 'helper', message: { pong: 'ping', at: observation.time + 1000 } });
    expect(got.observation.time).toBe(observation.time + 1000);
    expect(result((await e.step({ tool: 'recv', args: {} })).observation)).toEqual({ from: null, message: null });
  });

  it('forks and snapshots an episode with a scripted peer: the peer is re-created by replay, each fork independent', async () => {
    const e = await env({}, 'two-agent-handoff-v1');
    await e.reset({ seed: 4 });
    const ticket = (result((await e.step({ tool: 'read_file', args: { path: '/task/ticket.txt' } })).observation) as { content: string }).content.trim();
    await e.step({ tool: 'send', args: { to: 'vault', message: { type: 'request', ticket } } });
    const saved = e.snapshot();
    const [a, b] = await e.fork(2);
    opened.push(a!, b!);
    expect([a!.stateHash(), b!.stateHash()]).toEqual([e.stateHash(), e.stateHash()]);
    expect(a!.steps).toBe(2);
    // Each fork's vault is its own: it answers the request the fork's history sent it.
    const grant = result((await a!.step({ tool: 'recv', args: { timeout_ms: 600_000 } })).observation) as { from: string; message: { type: string; code: string } };
    expect(grant).toMatchObject({ from: 'vault', message: { type: 'grant' } });
    await a!.step({ tool: 'write_file', args: { path: '/out/release-code.txt', content: `${grant.message.code}\n` } });
    await a!.step({ tool: 'send', args: { to: 'vault', message: { type: 'ack', ticket, code: grant.message.code } } });
    const doneA = await a!.step({ tool: 'submit', args: { answer: grant.message.code } });
    expect(doneA.info.record).toMatchObject({ success: true, reason: 'submitted' });
    // b and the original did not see a's steps; b gets the same grant on its own.
    expect(b!.world.fs.exists('/out/release-code.txt')).toBe(false);
    const grantB = result((await b!.step({ tool: 'recv', args: { timeout_ms: 600_000 } })).observation);
    expect(grantB).toEqual(grant);
    expect(e.steps).toBe(2);
    // restore() returns to the saved point (replayed), and the same step gives the same grant.
    await e.step({ tool: 'sleep', args: { ms: 1000 } });
    await e.restore(saved);
    expect(e.steps).toBe(2);
    expect(result((await e.step({ tool: 'recv', args: { timeout_ms: 600_000 } })).observation)).toEqual(grant);
  });
});

describe('registry', () => {
  it('resolves versioned ids, bare names to the highest version, and names the closest ids when unknown', async () => {
    const registry = new Registry();
    registry.register({ ...counter, id: 'counter-v1' });
    registry.register({ ...counter, id: 'counter-v2' });
    expect((await registry.lookup('counter')).id).toBe('counter-v2');
    await expect(registry.lookup('countr-v1')).rejects.toMatchObject({ code: 'GYM_ENV_NOT_FOUND', suggestions: expect.arrayContaining(['counter-v1']) });
    expect(() => registry.register({ ...counter, id: 'counter' })).toThrow(/must be versioned/);
    expect(() => registry.register({ ...counter, id: 'counter-v1' })).toThrow(/registered already/);
  });
});

describe('in-process agents', () => {
  it('gives a scripted agent and a policy the same episode record shape', async () => {
    const scripted = await runEpisode(counter, { agent: { kind: 'scripted', agent: referenceCounter }, seed: 9, env: { sandbox: false } });
    expect(scripted).toMatchObject({ outcome: 'succeeded', reason: 'submitted', success: true, reward: 1, steps: 3, mode: 'in-process' });
    const actions: Action[] = [
      { tool: 'read_file', args: { path: '/data/input.txt' } },
      { tool: 'submit', args: { answer: 'nope' } },
    ];
    const policy = await runEpisode(counter, { agent: { kind: 'policy', policy: () => actions.shift()!, label: 'two-step' }, seed: 9, env: { sandbox: false } });
    expect(policy).toMatchObject({ outcome: 'failed', reason: 'submitted', agent: 'two-step', steps: 2 });
    expect(Object.keys(policy).sort()).toEqual(Object.keys(scripted).sort());
  });

  it('ends with agent_exit when a scripted agent returns without submitting, and agent_crash when it throws', async () => {
    expect(await runEpisode(counter, { agent: { kind: 'scripted', agent: async (t) => void (await t.listDir('/')) }, seed: 0, env: { sandbox: false } })).toMatchObject({ reason: 'agent_exit', outcome: 'failed' });
    const crash = await runEpisode(counter, { agent: { kind: 'scripted', agent: async () => { throw new Error('boom'); } }, seed: 0, env: { sandbox: false } });
    expect(crash).toMatchObject({ reason: 'agent_crash', outcome: 'errored', error: { message: 'boom' } });
  });

  it('adds Gymnasium episode statistics on the last step', async () => {
    const e = new EpisodeStatistics(await env());
    await e.reset({ seed: 0 });
    const tools = toolsFromEnv(e);
    await referenceCounter(tools, e.unwrapped.instance.task).catch(() => undefined);
    expect(e.returnQueue).toEqual([1]);
    expect(e.lengthQueue).toEqual([3]);
  });
});
