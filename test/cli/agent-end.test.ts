import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord, WorldTimelineEntry } from '../../sdk/types.js';
import { json, NO_DIST, withDaemon, type Daemon } from '../helpers/cli.js';
import { fixture } from '../helpers/kernel.js';

// Why an agent ended, as a user sees it: `agent run --wait`, `agent list`, the world's timeline.

let daemon: Daemon;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'clove-cli-end-'));
  if (!NO_DIST) daemon = await withDaemon();
});
afterAll(async () => {
  await daemon?.stop();
  rmSync(work, { recursive: true, force: true });
});

function worldFile(name: string, text: string): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

async function record(name: string): Promise<AgentRecord> {
  const list = await daemon.cli(['agent', 'list', '--all', '--json']);
  const found = json<AgentRecord[]>(list).find((a) => a.name === name);
  if (!found) throw new Error(`no agent ${name} in ${list.stdout}`);
  return found;
}

describe.skipIf(NO_DIST)('why an agent ended', () => {
  it('says `exit <code>` after `agent run --wait`', async () => {
    const run = await daemon.cli(['agent', 'run', fixture('agents', 'crasher.js'), '--name', 'crash-once', '--wait', '--', '4']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/agent crash-once \(#\d+\) ended: exit 4\n$/);
    expect((await record('crash-once')).end_reason).toBe('exit 4');
  });

  it('says `killed by operator` after `agent kill`, and the UP column stops at the end', async () => {
    expect((await daemon.cli(['agent', 'run', fixture('agents', 'sleeper-quiet.js'), '--name', 'stopped'])).code).toBe(0);
    expect((await daemon.cli(['agent', 'kill', 'stopped'])).code).toBe(0);
    expect((await record('stopped')).end_reason).toBe('killed by operator');
    const up = async (): Promise<string> => {
      const table = await daemon.cli(['agent', 'list', '--all']);
      const row = /\bstopped\s+killed\s+\d+\s+(\S+)\s+SIGTERM\s+killed by operator\b/.exec(table.stdout);
      expect(row, table.stdout).not.toBeNull();
      return row?.[1] ?? '';
    };
    const before = await up();
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await up()).toBe(before);
  });

  it('keeps an agent that gave up restarting in the default list, saying so', async () => {
    expect((await daemon.cli(['agent', 'run', fixture('agents', 'crasher.js'), '--name', 'looper', '--restart', 'on-failure', '--max-restarts', '1'])).code).toBe(0);
    for (let i = 0; i < 100 && (await record('looper')).end_reason?.startsWith('gave up') !== true; i++) await new Promise((r) => setTimeout(r, 100));
    const table = await daemon.cli(['agent', 'list']);
    expect(table.stdout).toMatch(/\blooper\s+exited\b.*gave up after 1 restarts within 60000 ms \(last: exit 3\)/);
  });

  it("says `timeout` when the world's agents.limits.timeout stops an agent, in the record and the world's timeline", async () => {
    const world = 'name: deadline\nclock: { mode: discrete }\nagents:\n  limits: { timeout: 5m }\nnetwork:\n  routes: [{ url: "https://api.example.com/todos", json: [] }]\n';
    const created = await daemon.cli(['world', 'create', worldFile('deadline', world), '--json']);
    expect(created.code, created.stderr).toBe(0);
    const run = await daemon.cli(['agent', 'run', fixture('agents', 'rewind_worker.py'), '--world', 'deadline', '--name', 'slow', '--wait', '-e', 'CLOVE_REWIND_MODE=recv']);
    expect(run.stderr).toMatch(/agent slow \(#\d+\) ended: timeout\n$/);
    expect(run.code).toBe(143);
    const shown = json<{ timeline: WorldTimelineEntry[] }>(await daemon.cli(['world', 'show', 'deadline', '--timeline', '--json']));
    expect(shown.timeline.at(-1)).toMatchObject({ type: 'agent.exited', source: 'kernel', elapsed: 300_000, params: { name: 'slow', reason: 'timeout', signal: 'SIGTERM' } });
  });

  it('says which world event killed an agent, and refuses an agent.kill aimed at nobody', async () => {
    const created = await daemon.cli(['world', 'create', worldFile('fa', 'name: fa\nclock: { mode: discrete }\n'), '--name', 'fa2']);
    expect(created.code, created.stderr).toBe(0);
    const nobody = await daemon.cli(['world', 'event', 'fa2', 'agent.kill', 'agent=ghost']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/\[AGENT_NOT_FOUND\] agent\.kill: no running agent 'ghost' in world 'fa2' \(it has no running agents\)/);
    expect((await daemon.cli(['agent', 'run', fixture('agents', 'sleeper-quiet.js'), '--name', 'v3', '--world', 'fa2'])).code).toBe(0);
    const killed = await daemon.cli(['world', 'event', 'fa2', 'agent.kill', 'agent=v3', '--json']);
    expect(killed.code, killed.stderr).toBe(0);
    const { entry } = json<{ entry: WorldTimelineEntry }>(killed);
    for (let i = 0; i < 50 && (await record('v3')).state !== 'killed'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await record('v3')).end_reason).toBe(`killed by world fa2 event #${entry.seq}`);
  });
});

describe.skipIf(NO_DIST)('Ctrl-C on `agent run --wait`', () => {
  it('stops the agent and says so', async () => {
    const { execa } = await import('execa');
    const { CLI } = await import('../helpers/cli.js');
    const child = execa(process.execPath, [CLI, 'agent', 'run', fixture('agents', 'sleeper.js'), '--name', 'interrupted', '--wait'], {
      env: { NO_COLOR: '1', ...daemon.env },
      reject: false,
      timeout: 30_000,
    });
    // Interrupt once the agent is running (its first tick is on the CLI's stdout).
    await new Promise<void>((resolve) => child.stdout?.on('data', () => resolve()));
    child.kill('SIGINT');
    const result = await child;
    expect(result.stderr).toMatch(/interrupted: stopping agent interrupted \(#\d+\); it does not keep running/);
    expect(result.stderr).toMatch(/agent interrupted \(#\d+\) ended: killed by operator$/);
    expect(result.exitCode).toBe(143);
    expect((await record('interrupted')).state).toBe('killed');
  });
});
