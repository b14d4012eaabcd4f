import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestKernel } from '../helpers/kernel.js';
import { parseResults, type Results } from './results.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OPERATOR = join(import.meta.dirname, 'fixtures', 'world_operator.py');
const run = promisify(execFile);


let op: Results;
let agent: Results;
let agentLines: string[];

const k = useTestKernel();
beforeAll(async () => {
  // A Python operator creates the world from world.yaml and spawns world_agent.py into it.
  const { stdout } = await run('python3', [OPERATOR, 'py-e2e'], {
    cwd: ROOT,
    timeout: 45_000,
    env: { ...process.env, CLOVE_SOCKET: k.socketPath, CLOVE_TOKEN_FILE: k.tokenFile, CLOVE_TOKEN: '', CLOVE_FD: '', PYTHONPATH: join(ROOT, 'sdk', 'python') },
  });
  const lines = stdout.split('\n');
  expect(lines, stdout).toContain('DONE');
  op = parseResults(lines);
  agentLines = op.agent.lines;
  agent = parseResults(agentLines);
}, 60_000);

describe('Python SDK in a world (real kernel)', () => {
  it('creates the world from YAML as an operator, and refuses duplicates and schema errors', () => {
    expect(op.create).toMatchObject({ name: 'py-e2e', seed: '11', clock_mode: 'discrete', time: '2026-03-01T09:00:00.000Z', files: 2, agents: [] });
    expect(op.create_again).toEqual({ code: 'WORLD_EXISTS' });
    expect(op.create_bad).toEqual({ code: 'WORLD_SCHEMA_INVALID' });
    expect(op.list).toEqual(['py-e2e']);
  });

  it('runs the Python agent inside the world', () => {
    expect(op.agent.exit_code, agentLines.join('\n')).toBe(0);
    expect(agentLines).toContain('DONE');
    expect(op.agent.world).toBe('py-e2e');
    expect(agent.identity).toMatchObject({ role: 'agent', world: 'py-e2e' });
  });

  it("reads, writes and lists the world's files, not the host's", () => {
    expect(agent.read).toEqual({ path: '/project/data.csv', content: 'a,b\n1,2\n', encoding: 'utf8', size: 8 });
    expect(agent.write).toEqual({ path: '/project/out/summary.txt', written: 7 });
    expect(agent.append).toEqual({ path: '/project/out/summary.txt', written: 3 });
    expect(agent.read_back).toBe('rows=1\nok\n');
    expect(agent.listdir).toEqual(['README.md', 'data.csv', 'out']);
    expect(agent.stat).toMatchObject({ path: '/project/data.csv', type: 'file', size: 8 });
    expect(agent.mkdir).toEqual({ created: true });
    expect(agent.unlink).toEqual({ deleted: true });
    expect(agent.not_found.code).toBe('FS_NOT_FOUND');
    expect(agent.escape.code).toBe('FS_PATH_ESCAPE');
  });

  it("answers HTTP from the world's mocks and blocks unmatched requests", () => {
    expect(agent.http).toEqual({ status: 200, body: { ok: true, service: 'example' }, encoding: 'utf8' });
    expect(agent.http_unmatched.code).toBe('HTTP_BLOCKED');
  });

  it('sleeps an hour of virtual time at once on the discrete clock', () => {
    const { before, slept, after } = agent.time;
    expect(before).toMatchObject({ world: 'py-e2e', clock_mode: 'discrete' });
    expect(before.iso.startsWith('2026-03-01T09:00')).toBe(true);
    expect(slept).toEqual({ slept_ms: 3_600_000, now_ms: before.now_ms + 3_600_000, world: 'py-e2e' });
    expect(after.now_ms - before.now_ms).toBe(3_600_000);
    expect(after.elapsed_ms - before.elapsed_ms).toBe(3_600_000);
  });

  it("keeps scope 'world' state in the world", () => {
    expect(agent.store_world).toEqual({ stored: true });
    expect(agent.fetch_world).toEqual({ found: true, value: { step: 3 } });
    expect(agent.keys_world).toEqual({ keys: ['progress'] });
    expect(op.operator_store_world).toEqual({ found: true, value: { step: 3 } });
    expect(op.state.kv).toEqual({ progress: { step: 3 } });
  });

  it('thinks with the mock provider, execs in the world directory, and reads its own permissions', () => {
    // A world without an `llm:` section reaches the kernel's provider (here the default mock).
    expect(agent.think).toMatchObject({ text: 'mock reply to: What is 2+2?', provider: 'mock', model: 'mock-1', timing: ['latency_ms', 'queue_ms'] });
    expect(agent.think.usage.total_tokens).toBe(agent.think.usage.prompt_tokens + agent.think.usage.completion_tokens);
    expect(agent.exec).toMatchObject({ exit_code: 3, stderr: 'err\n', timed_out: false });
    expect(agent.exec.stdout).toMatch(/\na,b\n1,2\n$/);
    expect(agent.get_perms).toMatchObject({ level: 'STANDARD', keys: ['exec', 'http', 'level', 'llm', 'paths'], llm_usage: { calls: 1, tokens: agent.think.usage.total_tokens } });
    expect(agent.set_perms_forbidden.code).toBe('KERNEL_FORBIDDEN');
  });

  it("shows the agent's changes and requests in world_state", () => {
    expect(op.state.diff).toEqual({ added: ['/project/out/summary.txt'], modified: [], deleted: [] });
    expect(op.state.elapsed_ms).toBeGreaterThanOrEqual(3_600_000);
    expect(op.state.requests).toEqual([
      ['https://api.example.com/status', 200, 'response'],
      ['https://unknown.example.net/', null, 'blocked'],
    ]);
  });

  it('injects and schedules world events as an operator', () => {
    expect(op.event.entry).toMatchObject({ type: 'fs.write', source: 'injected', name: 'inject' });
    expect(typeof op.event_scheduled.scheduled).toBe('number');
    expect(op.pending).toEqual([expect.objectContaining({ id: op.event_scheduled.scheduled, type: 'fs.write' })]);
    expect(op.read_injected).toBe('from the operator');
    expect(op.operator_time).toMatchObject({ world: 'py-e2e', clock_mode: 'discrete' });
  });

  it('snapshots the world and restores the snapshot as an independent fork', () => {
    expect(op.snapshot).toMatchObject({ bytes: true, processes_captured: false });
    expect(op.snapshot.on_disk).toBeGreaterThan(0);
    expect(op.snapshot_inline).toEqual({ has_data: true, bytes: op.snapshot.on_disk });
    expect(op.fork).toEqual({ name: 'py-e2e-fork', same_hash: true });
    expect(op.fork_isolated).toEqual({ fork: 'fork', original: { code: 'FS_NOT_FOUND' }, summary_in_fork: 'rows=1\nok\n' });
    expect(op.fork_inline).toBe('py-e2e-fork2');
    expect(op.restore_invalid).toEqual({ code: 'WORLD_SNAPSHOT_INVALID' });
  });

  it('destroys the worlds', () => {
    expect(op.destroy.map((d: { destroyed: string }) => d.destroyed)).toEqual(['py-e2e', 'py-e2e-fork', 'py-e2e-fork2']);
    expect(op.destroyed).toEqual({ code: 'WORLD_NOT_FOUND' });
  });
});
