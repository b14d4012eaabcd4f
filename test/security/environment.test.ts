import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient, SpawnRequest } from '../../sdk/index.js';
import { NO_DIST, runCli } from '../helpers/cli.js';
import { fixture, useTestKernel } from '../helpers/kernel.js';
import { missing } from '../sandbox-kernel/helpers.js';

// A kernel started with secrets in its environment (an LLM key, cloud credentials) must not hand
// them to its agents, sandboxed or not: agents get a clean environment plus what is named.

const SECRETS = { OPENAI_API_KEY: 'sk-kernel-secret', CLOVE_LLM_API_KEY: 'llm-secret', AWS_SECRET_ACCESS_KEY: 'aws-secret', SOME_KERNEL_VAR: 'kernel-only' };
let c: CloveClient;
let work: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const [key, value] of Object.entries(SECRETS)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
});
const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
  work = mkdtempSync(join(tmpdir(), 'clove-env-'));
  chmodSync(work, 0o755);
  await c.worldCreate({ source: 'name: env-world\nagents:\n  env:\n    WORLD_VAR: from-the-world\n', name: 'env-world' });
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

async function envOf(spawn: Partial<SpawnRequest>): Promise<Record<string, string>> {
  const agent = await c.spawn({ script: fixture('security', 'print-env.py'), cwd: work, ...spawn });
  const done = await c.wait(agent.id, 30_000);
  const logs = await c.logs(agent.id);
  const line = logs.lines.find((l) => l.text.startsWith('ENV '));
  if (!line) throw new Error(`no environment printed (${done.state} ${done.exitCode}):\n${logs.lines.map((l) => l.text).join('\n')}`);
  return JSON.parse(line.text.slice(4)) as Record<string, string>;
}

function expectClean(env: Record<string, string>): void {
  for (const key of Object.keys(SECRETS)) expect(env[key], key).toBeUndefined();
  const allowed = /^(PATH|HOME|LANG|LC_ALL|LC_CTYPE|TZ|PYTHONPATH|CLOVE_(SOCKET|TOKEN|FD|AGENT_ID|AGENT_NAME|WORLD)|LC_CTYPE)$/;
  const extra = Object.keys(env).filter((key) => !allowed.test(key) && !['EXPLICIT', 'WORLD_VAR', 'PASSED'].includes(key));
  expect(extra).toEqual([]);
  expect(env.PATH!.split(':')).toContain('/usr/bin');
  expect(env.PYTHONPATH).toContain(join('sdk', 'python'));
}

describe('agent environment', () => {
  it('a plain agent gets a clean environment plus what SPAWN names', async () => {
    const env = await envOf({ env: { EXPLICIT: 'yes' } });
    expectClean(env);
    expect(env.EXPLICIT).toBe('yes');
    expect(env.CLOVE_AGENT_NAME).toMatch(/^print-env-/);
  });

  it.skipIf(missing())(`a sandboxed agent too ${missing() ? `(skipped: ${missing()})` : ''}`, async () => {
    const env = await envOf({ sandboxed: true, env: { EXPLICIT: 'yes' } });
    expectClean(env);
    expect(env.EXPLICIT).toBe('yes');
  });

  it("an agent in a world gets the world's agents.env", async () => {
    const env = await envOf({ world: 'env-world' });
    expectClean(env);
    expect(env.WORLD_VAR).toBe('from-the-world');
    expect(env.CLOVE_WORLD).toBe('env-world');
  });

  it.skipIf(NO_DIST)(`the CLI passes --env and --pass-env, nothing else ${NO_DIST ? `(skipped: ${NO_DIST})` : ''}`, async () => {
    const run = await runCli(['agent', 'run', fixture('security', 'print-env.py'), '--wait', '--env', 'EXPLICIT=cli', '--pass-env', 'PASSED', '--socket', k.socketPath], {
      env: { PASSED: 'from-the-shell', CLI_ONLY: 'not-passed' },
      cwd: work,
    });
    expect(run.code, run.stderr).toBe(0);
    const env = JSON.parse(run.stdout.split('\n').find((l) => l.includes('ENV {'))!.replace(/^.*?ENV /, '')) as Record<string, string>;
    expectClean(env);
    expect(env.EXPLICIT).toBe('cli');
    expect(env.PASSED).toBe('from-the-shell');
    expect(env.CLI_ONLY).toBeUndefined();
    const missingKey = await runCli(['agent', 'run', fixture('security', 'print-env.py'), '--pass-env', 'NOT_SET_ANYWHERE', '--socket', k.socketPath]);
    expect(missingKey.code).toBe(2);
    expect(missingKey.stderr).toMatch(/NOT_SET_ANYWHERE is not set/);
  });
});
