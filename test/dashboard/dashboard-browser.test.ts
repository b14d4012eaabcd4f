/**
 * `clove dashboard` as a user runs it (the CLI against a running kernel) and opens it (headless
 * Chromium: Debian's /usr/bin/chromium via playwright-core with executablePath, nothing
 * downloaded): one dashboard and one browser for the whole file.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKernel, type KernelHandle } from '../../kernel/index.js';
import { connect, type CloveClient } from '../../sdk/index.js';
import { CLI, NO_DIST, runCli } from '../helpers/cli.js';
import { eventually, fixture, runScripted } from '../helpers/kernel.js';

const CHROMIUM = '/usr/bin/chromium';
const NO_CHROMIUM = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium; .ci/run does)`;

const SUITE = `version: 1
name: dashboard-test
scenarios: ["file-repair-v1"]
agents:
  - id: reference
    kind: reference
  - id: random
    kind: random
seeds: [1]
record: true
`;

/** A GET with headers fetch() will not send (Host). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

const SKIP = NO_CHROMIUM ?? NO_DIST;

describe.skipIf(SKIP)(`clove dashboard in headless Chromium${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'clove-dash-'));
  const socketPath = join(dir, 'kernel', 'k.sock');
  const results = join(dir, 'results');
  let kernel: KernelHandle;
  let client: CloveClient;
  let dashboard: ResultPromise;
  let info: { url: string; loginUrl: string; port: number };
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // A real bench run (reference solves, random fails) gives results.json and trajectories; a copy is the second run to compare.
    mkdirSync(join(results, 'runs'), { recursive: true });
    writeFileSync(join(dir, 'suite.yaml'), SUITE);
    const bench = await runCli(['bench', 'run', join(dir, 'suite.yaml'), '--out', join(results, 'runs', 'a')], { timeoutMs: 90_000 });
    expect(bench.code, bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(/1\/2 succeeded, 1 failed/);
    cpSync(join(results, 'runs', 'a'), join(results, 'runs', 'b'), { recursive: true });
    const recorded = readdirSync(join(results, 'runs', 'a', 'trajectories')).find((f) => f.includes('random'))!;
    mkdirSync(join(results, 'recordings'));
    copyFileSync(join(results, 'runs', 'a', 'trajectories', recorded), join(results, 'recordings', 'random-seed-1.jsonl'));

    mkdirSync(join(dir, 'kernel'), { mode: 0o700 });
    kernel = await startKernel({ socketPath, killGraceMs: 1000 });
    client = await connect({ socketPath, token: kernel.token });
    dashboard = execa(process.execPath, [CLI, 'dashboard', '--socket', socketPath, '--port', '0', '--json', '--results', results], { env: { NO_COLOR: '1' }, reject: false });
    info = await new Promise((resolve, reject) => {
      let out = '';
      dashboard.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
      void dashboard.then((r) => reject(new Error(`the dashboard ended early (${r.exitCode}): ${r.stderr}`)));
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(info.url)) problems.push(`request outside the dashboard: ${r.url()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    dashboard?.kill('SIGTERM');
    await dashboard;
    client?.close();
    await kernel?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('refuses every API and stream request without the operator token, and changes from other origins', async () => {
    const api = `${info.url}api/snapshot`;
    const none = await fetch(api);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('DASHBOARD_UNAUTHORIZED');
    expect((await fetch(`${info.url}api/stream`)).status).toBe(401);
    expect((await fetch(`${info.url}api/agents`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"script":"/bin/true"}' })).status).toBe(401);
    expect((await fetch(api, { headers: { Cookie: 'clove_dashboard=forged' } })).status).toBe(401);
    expect((await fetch(api, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${info.url}?token=wrong`, { redirect: 'manual' })).status).toBe(401);
    // The right token works, but a browser change from another origin does not, nor another Host name.
    const bearer = { Authorization: `Bearer ${kernel.token}` };
    expect((await fetch(api, { headers: bearer })).status).toBe(200);
    const foreign = await fetch(`${info.url}api/agents`, { method: 'POST', headers: { ...bearer, Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: '{"script":"/bin/true"}' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(await rawGet(info.port, '/api/snapshot', { ...bearer, Host: `evil.example:${info.port}` })).toBe(403);
    expect(await rawGet(info.port, '/api/snapshot', { ...bearer, Host: `localhost:${info.port}` })).toBe(200);
    expect(await client.list({ all: true })).toEqual([]);
  });

  it('loads the page from the printed URL, swaps the token for an HttpOnly cookie and goes live', async () => {
    await page.goto(info.loginUrl);
    expect(page.url()).toBe(info.url); // The token left the address bar.
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'clove_dashboard', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(kernel.token);
    await page.waitForSelector('body[data-live="true"]');
    await page.waitForSelector('#kernel-state.up');
    expect(problems).toEqual([]);
  });

  it('signs in with the token pasted into the form, and refuses a wrong one', async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    const first = await other.goto(info.url);
    expect(first?.status()).toBe(401);
    await other.fill('input[name=token]', 'not-the-token');
    await other.click('button[type=submit]');
    expect(await other.textContent('[role=alert]')).toContain('not the operator token');
    await other.fill('input[name=token]', kernel.token);
    await other.click('button[type=submit]');
    await other.waitForSelector('body[data-live="true"]');
    expect(other.url()).toBe(info.url);
    await context.close();
  });

  it('shows an agent the test spawns within a second, and killing it from the page ends it', async () => {
    const spawned = await client.spawn({ script: fixture('agents', 'sleeper.js'), name: 'dash-sleeper' });
    const started = Date.now();
    await page.waitForSelector(`#agents-table tr[data-agent="${spawned.id}"][data-state="running"]`, { timeout: 5_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await page.textContent('#count-running')).toBe('1');
    await page.click(`button[data-kill="${spawned.id}"]`);
    const ended = await client.wait(spawned.id, 10_000);
    expect(ended.state).not.toBe('running');
    expect(ended.endReason).toMatch(/signal SIGTERM|killed by operator/);
    await page.waitForSelector(`#agents-table tr[data-agent="${spawned.id}"]:not([data-state="running"])`);
    expect(await page.locator(`button[data-kill="${spawned.id}"]`).count()).toBe(0);
  });

  it('starts an agent from the page', async () => {
    await page.fill('#spawn-form input[name=script]', fixture('agents', 'sleeper.js'));
    await page.fill('#spawn-form input[name=name]', 'from-page');
    await page.click('#spawn-form button[type=submit]');
    const agent = await eventually(async () => (await client.list()).find((a) => a.name === 'from-page'));
    await page.waitForSelector(`#agents-table tr[data-agent="${agent.id}"]`);
    await client.kill(agent.id, { signal: 'SIGKILL' });
  });

  it('draws the process hierarchy: a child agent sits under the agent that started it', async () => {
    await runScripted(client, [['spawn', { script: fixture('agents', 'sleeper.js'), name: 'dash-child' }]]);
    const child = (await client.list()).find((a) => a.name === 'dash-child')!;
    const row = page.locator(`#agents-table tr[data-agent="${child.id}"]`);
    await row.waitFor();
    expect(await row.locator('.tree').count()).toBe(1);
    const above = await row.evaluate((tr) => (tr as unknown as { previousElementSibling: { dataset: { agent: string } } }).previousElementSibling.dataset.agent);
    expect(Number(above)).toBe(child.parentId);
    await client.kill(child.id, { signal: 'SIGKILL' });
  });

  it("shows an event injected into a world on the world's timeline", async () => {
    await client.worldCreate({ path: fixture('worlds', 'project.yaml'), name: 'dash-world' });
    await page.click('header nav a[data-view=worlds]');
    await page.click('#worlds-table tr[data-world="dash-world"]');
    await page.waitForSelector('#world-detail:not([hidden])');
    await client.worldEvent('dash-world', 'custom', { probe: 'from-test' }, { label: 'probe-event' });
    const row = page.locator('#timeline-table tr[data-type="custom"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('probe-event');
    // And one injected from the page's own form.
    await page.fill('#event-form input[name=type]', 'fs.write');
    await page.fill('#event-form input[name=params]', '{"path":"/data/page.txt","content":"hi"}');
    await page.click('#event-form button[type=submit]');
    await page.waitForSelector('#timeline-table tr[data-type="fs.write"]');
    await page.waitForSelector('#world-diff li.A');
    expect(await page.textContent('#world-diff')).toContain('/data/page.txt');
  });

  it('lists kernel events and filters the audit log', async () => {
    await page.click('header nav a[data-view=events]');
    await page.waitForSelector('#events-table tr[data-type="AGENT_SPAWNED"]');
    // Four spawns so far: three by the operator (the test, the page, the scripted parent), one by an agent.
    await eventually(async () => {
      const r = await fetch(`${info.url}api/audit?opcode=SPAWN`, { headers: { Authorization: `Bearer ${kernel.token}` } });
      return ((await r.json()) as { matched: number }).matched === 4 || undefined;
    });
    await page.click('header nav a[data-view=audit]');
    await page.fill('#audit-form input[name=opcode]', 'spawn');
    await page.click('#audit-form button[type=submit]');
    await page.waitForSelector('#audit-info:text-matches("^4 matching")');
    expect(await page.locator('#audit-table tbody tr').count()).toBe(4);
    await page.selectOption('#audit-form select[name=caller]', 'agent');
    await page.click('#audit-form button[type=submit]');
    await page.waitForSelector('#audit-info:text-matches("^1 matching")');
    expect(await page.textContent('#audit-table tbody')).toMatch(/scripted-.*SPAWN.*allowed/);
    await page.selectOption('#audit-form select[name=decision]', 'denied');
    await page.click('#audit-form button[type=submit]');
    await page.waitForSelector('#audit-info:text-matches("^0 matching")');
  });

  it("renders a results directory: success intervals, the failing episode's checks and its trajectory step by step", async () => {
    await page.click('header nav a[data-view=results]');
    await page.waitForSelector('#runs-table a');
    expect(await page.textContent('#results-body')).toContain('recordings/random-seed-1.jsonl');
    await page.click('#runs-table a:text("runs/a")');
    await page.waitForSelector('body[data-results="run"]');
    const groups = page.locator('table.groups tbody tr');
    expect(await groups.count()).toBe(2);
    expect(await page.textContent('table.groups tr[data-group="file-repair-v1|reference"]')).toContain('1/1 100%');
    expect(await page.textContent('table.groups tr[data-group="file-repair-v1|random"]')).toMatch(/0\/1 0% \[0%–\d+%\]/);
    const failure = page.locator('#failures-table tbody tr');
    expect(await failure.count()).toBe(1);
    expect(await failure.textContent()).toMatch(/random · seed 1/);
    expect(await failure.locator('.checks li').count()).toBeGreaterThan(0);
    await failure.locator('a').click();
    await page.waitForSelector('body[data-results="trajectory"]');
    const steps = page.locator('table.steps tbody tr');
    expect(await steps.count()).toBeGreaterThan(1);
    expect(await steps.first().textContent()).toMatch(/\+0 ms/);
    expect(await page.textContent('.episode h3')).toContain('failed');
    expect(await page.locator('.episode .checks li.bad').count()).toBeGreaterThan(0);
  });

  it('shows two runs side by side with the compare verdict', async () => {
    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#results/compare?base=runs%2Fa&next=runs%2Fb'));
    await page.waitForSelector('body[data-results="compare"]');
    expect(await page.locator('#compare-table tbody tr').count()).toBe(2);
    expect(await page.textContent('#results-body h2')).toContain('pass');
    expect(await page.textContent('#compare-table tr[data-group="file-repair-v1|random"]')).toContain('0/1');
    expect(problems).toEqual([]);
  });

  it('says when the kernel is gone and reconnects by itself when it restarts', async () => {
    await page.click('header nav a[data-view=agents]');
    client.close();
    await kernel.close();
    await page.waitForSelector('#kernel-state.down', { timeout: 10_000 });
    expect(await page.isVisible('#banner')).toBe(true);
    kernel = await startKernel({ socketPath, killGraceMs: 1000 });
    client = await connect({ socketPath, token: kernel.token });
    await page.waitForSelector('#kernel-state.up', { timeout: 10_000 });
    const spawned = await client.spawn({ script: fixture('agents', 'sleeper.js'), name: 'after-restart' });
    await page.waitForSelector(`#agents-table tr[data-agent="${spawned.id}"][data-state="running"]`, { timeout: 5_000 });
    await client.kill(spawned.id, { signal: 'SIGKILL' });
  });
});
