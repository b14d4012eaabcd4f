/**
 * The dashboard's HTTP API without a browser: an in-process dashboard with an embedded kernel,
 * driven with fetch as a script would (bearer token), plus the CLI's exit codes.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardHandle } from '../../dashboard/index.js';
import { connect, type CloveClient } from '../../sdk/index.js';
import { generateResults } from '../bench/generated.js';
import { NO_DIST, runCli } from '../helpers/cli.js';
import { fixture, runScripted } from '../helpers/kernel.js';

const root = mkdtempSync(join(tmpdir(), 'clove-dash-api-'));
let dashboard: DashboardHandle;
let client: CloveClient;
let auth: Record<string, string>;

async function get(path: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${dashboard.url}${path}`, { headers: auth });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${dashboard.url}${path}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function writeRun(name: string, results: ReturnType<typeof generateResults>): void {
  mkdirSync(join(root, 'runs', name), { recursive: true });
  writeFileSync(join(root, 'runs', name, 'results.json'), JSON.stringify(results));
}

beforeAll(async () => {
  writeRun('base', generateResults({ noise: 1, agents: ['reference', 'random'], seeds: 12, succeeds: (_s, agent, seed) => agent === 'reference' || seed % 4 === 0 }));
  writeRun('regressed', generateResults({ noise: 2, agents: ['reference', 'random'], seeds: 12, succeeds: (_s, agent, seed) => (agent === 'reference' ? seed % 6 === 0 : seed % 4 === 0) }));
  writeRun('other-suite', generateResults({ suite: 'another', hash: 'b'.repeat(64), noise: 3 }));
  writeFileSync(join(root, 'broken.jsonl'), '{"type":"episode","format":1,"scenario":"x","version":1,"seed":0,"worldHash":"h","startedAt":"2026-01-01T00:00:00Z"}\nnot json\n');
  symlinkSync('/etc', join(root, 'escape'));
  dashboard = await startDashboard({ embedded: true, port: 0, results: root, intervalMs: 200 });
  auth = { Authorization: `Bearer ${dashboard.embedded!.token}` };
  client = await connect({ socketPath: dashboard.socketPath, token: dashboard.embedded!.token });
}, 60_000);

afterAll(async () => {
  client?.close();
  await dashboard?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the results API', () => {
  it('lists the runs and recordings under --results', async () => {
    const { status, body } = await get('api/results');
    expect(status).toBe(200);
    expect(body.runs.map((r: { path: string }) => r.path).sort()).toEqual(['runs/base', 'runs/other-suite', 'runs/regressed']);
    expect(body.recordings.map((r: { path: string }) => r.path)).toEqual(['broken.jsonl']);
  });

  it('summarises a run per scenario x agent with Wilson intervals and failed checks', async () => {
    const { body } = await get('api/results/run?path=runs/base');
    const random = body.groups.find((g: { scenario: string; agentId: string }) => g.scenario === 'alpha-v1' && g.agentId === 'random');
    expect(random).toMatchObject({ episodes: 12, successes: 3 });
    expect(random.successInterval.low).toBeLessThan(0.25);
    expect(random.successInterval.high).toBeGreaterThan(0.25);
    const failed = body.episodes.filter((e: { success: boolean }) => !e.success);
    expect(failed).toHaveLength(18);
    expect(failed[0].failedChecks.length).toBeGreaterThan(0);
  });

  it('compares two runs with the verdict of clove bench compare, and refuses runs of different suites', async () => {
    const regression = await get('api/results/compare?base=runs/base&next=runs/regressed');
    expect(regression.status).toBe(200);
    expect(regression.body.comparison.verdict).toBe('regression');
    expect(regression.body.comparison.success.find((s: { agentId: string; scenario: string }) => s.agentId === 'reference' && s.scenario === 'alpha-v1').change).toBe('regression');
    const other = await get('api/results/compare?base=runs/base&next=runs/other-suite');
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('RESULTS_INCOMPATIBLE');
  });

  it('names the line of a broken recording', async () => {
    const { status, body } = await get('api/results/trajectory?path=broken.jsonl');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'DASHBOARD_TRAJECTORY_INVALID' });
    expect(body.error.message).toContain('broken.jsonl:2 is not JSON');
  });

  it('reads nothing outside the results directory', async () => {
    expect((await get('api/results/run?path=..')).body.error.code).toBe('DASHBOARD_PATH_OUTSIDE');
    expect((await get('api/results/trajectory?path=escape/hostname')).body.error.code).toBe('DASHBOARD_PATH_OUTSIDE');
    expect((await get('api/results/trajectory?path=/etc/hostname')).body.error.code).toBe('DASHBOARD_BAD_PATH');
    expect((await get('api/results/run?path=runs/none')).status).toBe(404);
  });
});

describe('the live API', () => {
  it('gives each agent its parent, so the page can draw the process hierarchy', async () => {
    const [outcome] = await runScripted(client, [['spawn', { script: fixture('agents', 'sleeper.js'), name: 'child-of-scripted' }]]);
    expect(outcome?.error).toBeUndefined();
    const { body } = await get('api/snapshot');
    const child = body.agents.find((a: { name: string }) => a.name === 'child-of-scripted');
    const parent = body.agents.find((a: { id: number }) => a.id === child.parentId);
    expect(parent.script).toMatch(/scripted\.ts$/);
    expect(body.counts.running).toBeGreaterThanOrEqual(1);
    await client.kill(child.id, { signal: 'SIGKILL' });
  });

  it('streams the kernel state, snapshots and kernel events as server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${dashboard.url}api/stream`, { headers: auth, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const spawned = client.spawn({ script: fixture('agents', 'sleeper.js'), name: 'streamed' });
    while (!/event: event\ndata: [^\n]*AGENT_SPAWNED/.test(text) || !/event: snapshot\ndata: [^\n]*"streamed"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    expect(text).toMatch(/^event: kernel\ndata: \{"up":true/);
    await client.kill((await spawned).id, { signal: 'SIGKILL' });
  });

  it('answers bad requests with a code and a message that says what to send', async () => {
    const noScript = await post('api/agents', { name: 'x' });
    expect(noScript).toMatchObject({ status: 400, body: { error: { code: 'DASHBOARD_BAD_REQUEST' } } });
    expect(noScript.body.error.message).toContain('script is required');
    expect((await post('api/agents', { script: 'x', args: 'not-a-list' })).body.error.message).toContain('args must be an array of strings');
    expect((await post('api/agents/nobody/kill', {})).status).toBe(404);
    expect((await post('api/agents/1/kill', { signal: 'rm -rf' })).status).toBe(400);
    expect((await get('api/worlds/nowhere')).status).toBe(404);
    expect((await post('api/worlds/nowhere/events', {})).body.error.message).toContain('type is required');
  });
});

describe.skipIf(NO_DIST)(`clove dashboard exit codes${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, () => {
  it('exits 3 when no kernel answers, and 2 for a results directory that does not exist', async () => {
    const none = await runCli(['dashboard', '--port', '0']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no kernel answers on .*--embedded/);
    const missing = await runCli(['dashboard', '--embedded', '--port', '0', '--results', join(root, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or directory');
  });
});
