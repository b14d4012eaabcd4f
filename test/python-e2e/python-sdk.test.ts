import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestKernel } from '../helpers/kernel.js';
import { parseResults, type Results } from './results.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXERCISE = join(import.meta.dirname, 'fixtures', 'exercise.py');
const SLEEPER = join(import.meta.dirname, 'fixtures', 'sleeper.py');
const run = promisify(execFile);


const err = (code: string) => ({ code, is_clove_error: true, has_message: true });

const k = useTestKernel();

/** What both roles must see. */
function expectCommon(r: Results, role: 'agent' | 'operator'): void {
  expect(r.identity.role).toBe(role);
  expect(r.echo).toEqual({ str: 'hi', obj: { a: [1, 2.5, null, true], u: 'é' } });
  expect(r.hello).toMatchObject({ protocol: 1, role });
  expect(r.status).toMatchObject({ protocol: 1, has_pid: true });
  expect(r.spawn).toMatchObject({ state: 'running', sandboxed: false, pid: true });
  expect(r.list_agents).toEqual({ has_replier: true });
  expect(r.wait).toEqual({ state: 'exited', exit_code: 0 });
  expect(r.logs.lines).toContainEqual(expect.stringMatching(/^replier got \{'ping': 1\} from /));
  expect(r.list_all).toEqual({ has_exited_replier: true });
  expect(r.wait_timeout).toEqual(err('KERNEL_TIMEOUT'));
  expect(r.kill).toEqual({ killed: true, state: 'killed' });
  expect(r.broadcast).toEqual({ delivered_at_least_2: true, failed: [] });

  expect(r.fetch).toEqual({
    global: { found: true, value: { v: 1 } },
    agent: { found: true, value: 'mine' },
    session: { found: true, value: [1, 2] },
    agent_as_global: { found: false, value: null },
    ttl_before: { found: true, value: 'brief' },
    ttl_after: { found: false, value: null },
  });
  const prefix = `py/${role}-`;
  expect(r.keys.global.map((key: string) => key.replace(/^py\/[^/]+\//, ''))).toEqual(['g']);
  expect(r.keys.agent).toEqual([expect.stringMatching(new RegExp(`^${prefix}\\d+/a$`))]);
  expect(r.keys.session).toEqual([expect.stringMatching(new RegExp(`^${prefix}\\d+/s$`))]);
  expect(r.delete).toEqual([true, false, false]);

  expect(r.poll_events).toMatchObject({ subscribed: ['CUSTOM', 'STATE_CHANGED'], seq_is_int: true, types: ['CUSTOM', 'STATE_CHANGED'] });
  expect(r.poll_events.custom).toEqual([{ name: 'py.test', n: 1 }]);
  expect(r.unsubscribe).toEqual({ subscribed: ['CUSTOM'], types: ['CUSTOM'] });
  expect(r.subscribe_bad_type).toEqual(err('EVENT_TYPE_INVALID'));
  expect(r.second_client.role).toBe(role);
  expect(r.poll_unsubscribed).toEqual(err('KERNEL_BAD_REQUEST'));
  expect(r.push).toEqual({ type: 'CUSTOM', data: { name: 'py.push', n: 3 } });

  expect(r.system_metrics).toEqual({ cpu_count: true, per_core: true, load_avg: 3, memory: true, disk: true, network: ['rx_bytes', 'tx_bytes'] });
  expect(r.agent_metrics).toMatchObject({ is_subject: true, rss: true, threads: true, fds: true });
  expect(r.agent_metrics.fields).toEqual(expect.arrayContaining(['cpu_percent', 'cpu_time_s', 'rss', 'vms', 'threads', 'open_fds', 'pid', 'state']));
  expect(r.all_agent_metrics).toEqual({ has_subject: true });

  expect(r.errors).toMatchObject({
    not_found: err('AGENT_NOT_FOUND'),
    spawn_failed: err('AGENT_SPAWN_FAILED'),
    bad_request: err('KERNEL_BAD_REQUEST'),
    not_implemented: err('KERNEL_NOT_IMPLEMENTED'),
    client_timeout: err('CLIENT_TIMEOUT'),
    connect_failed: err('CLIENT_CONNECT_FAILED'),
    unauthenticated: err('KERNEL_UNAUTHENTICATED'),
  });
  expect(r.error_codes_match).toBe(true);
}

describe('Python SDK against the real kernel', () => {
  it('serves every CloveClient method to a Python agent (kernel channel on CLOVE_FD)', async () => {
    const c = await k.client();
    const stranger = await c.spawn({ script: SLEEPER, name: 'py-stranger' });
    const agent = await c.spawn({ script: EXERCISE, args: [stranger.name] });
    const done = await c.wait(agent.id, 25_000);
    const lines = (await c.logs(agent.id, { max: 10_000 })).lines.map((l) => l.text);
    await c.kill(stranger.id, { signal: 'SIGKILL' });
    expect(done.exitCode, lines.join('\n')).toBe(0);
    expect(lines).toContain('DONE');

    const r = parseResults(lines);
    expectCommon(r, 'agent');
    expect(r.identity).toEqual({ role: 'agent', agent_id: agent.id, agent_name: agent.name });
    expect(r.hello).toEqual({ protocol: 1, role: 'agent', agent_id: agent.id, agent_name: agent.name });
    expect(r.spawn.parent_id).toBe(agent.id);
    expect(r.recv).toMatchObject({ payload: { echo: { ping: 1 } }, to: agent.id });
    expect(r.recv.from_name).toMatch(/^replier-agent-\d+$/);
    expect(r.recv_timeout.message).toBeNull();
    expect(r.recv_timeout.waited_ms).toBeGreaterThanOrEqual(250);
    expect(r.broadcast_recv).toEqual(['{"all": true}', expect.stringMatching(/^\{"by": "target-agent-\d+", "echo": \{"all": true\}\}$/)]);
    expect(r.second_client).toEqual({ role: 'agent', agent_id: agent.id });
    expect(r.errors.forbidden).toEqual(err('KERNEL_FORBIDDEN'));
  });

  it('serves every CloveClient method to a Python operator client (CLOVE_SOCKET + CLOVE_TOKEN_FILE)', async () => {
    const { stdout } = await run('python3', [EXERCISE], {
      cwd: ROOT,
      timeout: 25_000,
      env: { ...process.env, CLOVE_SOCKET: k.socketPath, CLOVE_TOKEN_FILE: k.tokenFile, CLOVE_TOKEN: '', CLOVE_FD: '', PYTHONPATH: join(ROOT, 'sdk', 'python') },
    });
    const lines = stdout.split('\n');
    expect(lines).toContain('DONE');
    const r = parseResults(lines);
    expectCommon(r, 'operator');
    expect(r.identity).toEqual({ role: 'operator', agent_id: null, agent_name: null });
    expect(r.spawn.parent_id).toBeNull();
    // Operators have no mailbox.
    expect(r.recv_operator).toEqual(err('KERNEL_FORBIDDEN'));
    expect(r.agent_metrics_operator_needs_agent).toEqual(err('KERNEL_BAD_REQUEST'));
  });
});
