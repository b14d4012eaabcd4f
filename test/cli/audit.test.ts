import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';

// `clove audit` through the built CLI against a kernel's real audit log.

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'bin.js');
const NO_DIST = existsSync(CLI) ? undefined : `${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let operator: CloveClient;
let work: string;
let agentName: string;
let agentId: number;

const k = useTestKernel();
beforeAll(async () => {
  operator = await k.client();
  work = mkdtempSync(join(tmpdir(), 'clove-audit-'));
  // Unsandboxed agents of a root kernel run as uid 65534: their working directory must let them in.
  chmodSync(work, 0o755);
  writeFileSync(join(work, '.env'), 'API_KEY=secret');
  await operator.echo('from the operator');
  const agent = await operator.spawn({
    script: fixture('agents', 'scripted.ts'),
    name: 'auditee',
    cwd: work,
    env: { CLOVE_SCRIPT: JSON.stringify([['read', '.env'], ['echo', 'hi'], ['exec', 'sudo ls']]) },
  });
  agentName = agent.name;
  agentId = agent.id;
  await operator.wait(agent.id, 20_000);
  await k.kernel.audit?.flush();
});
afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(NO_DIST)(`clove audit${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, () => {
  it('prints a table of calls with caller, decision, the denying rule and duration', async () => {
    const { code, stdout, stderr } = await runCli(['audit', '--socket', k.socketPath]);
    expect(code, stderr).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TIME\s+CALLER\s+OPCODE\s+DECISION\s+RULE\s+DURATION\s+ERROR$/);
    expect(rows.some((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+operator\s+NOOP\s+allowed\s+-\s+\d+\.\d\dms\s+-$/.test(r))).toBe(true);
    const read = rows.find((r) => r.includes(`auditee#${agentId}`) && r.includes(' READ '));
    expect(read).toMatch(/READ\s+denied\s+paths\.read\.\S+ \*\*\/\.env\s+\d+\.\d\dms\s+PERM_DENIED$/);
    expect(rows.find((r) => r.includes(' EXEC '))).toMatch(/EXEC\s+denied\s+\S+.*PERM_DENIED$/);
    expect(stdout).not.toContain(k.token);
  });

  it('prints JSON lines with --json and filters by agent name or id', async () => {
    const all = await runCli(['audit', '--socket', k.socketPath, '--json']);
    expect(all.code, all.stderr).toBe(0);
    const records = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as { opcode: string; decision: string; rule?: string; caller: { agent_id: number | null } });
    expect(records.some((r) => r.caller.agent_id === null)).toBe(true);
    const denied = records.find((r) => r.opcode === 'READ' && r.decision === 'denied');
    expect(denied?.rule).toBeTruthy();

    for (const ref of [agentName, String(agentId)]) {
      const mine = await runCli(['audit', '--socket', k.socketPath, '--json', '--agent', ref]);
      const lines = mine.stdout.trim().split('\n').map((l) => JSON.parse(l) as { opcode: string; caller: { agent_id: number } });
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(lines.every((r) => r.caller.agent_id === agentId)).toBe(true);
      expect(lines.map((r) => r.opcode)).toEqual(expect.arrayContaining(['READ', 'NOOP', 'EXEC']));
    }
    const nobody = await runCli(['audit', '--socket', k.socketPath, '--agent', 'nobody']);
    expect(nobody).toMatchObject({ code: 0, stdout: expect.stringMatching(/^no records of agent nobody of run \S+ \(--run all for every run\) in /) });
  });

  it('reads another file with --file', async () => {
    const file = join(work, 'copy.log');
    writeFileSync(file, `${JSON.stringify({ time: 0, caller: { agent_id: 9, agent_name: 'x', role: 'agent' }, opcode: 'WRITE', args: '{}', decision: 'denied', rule: 'paths.write', duration_ms: 0.5, error: 'PERM_DENIED' })}\n`);
    const { code, stdout } = await runCli(['audit', '--file', file]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[1]).toMatch(/x#9\s+WRITE\s+denied\s+paths\.write\s+0\.50ms\s+PERM_DENIED/);
  });

  it('keeps printing new records with --follow until interrupted', async () => {
    const child = spawn(process.execPath, [CLI, 'audit', '--socket', k.socketPath, '--follow', '--json'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const marker = `follow-${Date.now()}`;
    const end = Date.now() + 10_000;
    while (!out.includes(marker) && Date.now() < end) {
      await operator.echo(marker);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(out).toContain(marker);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.every((l) => JSON.parse(l) !== null)).toBe(true);
  });

  it('fails with one clear line when there is no audit log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-noaudit-'));
    try {
      const { code, stdout, stderr } = await runCli(['audit', '--socket', join(dir, 'k.sock')]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^error: no audit log at .*clove-noaudit-.*\/audit\.log: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
