import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, NO_DIST, runCli, withDaemon, type Daemon } from '../helpers/cli.js';
import { fixture } from '../helpers/kernel.js';

// Errors keep their shape (issue 9): JSON with --json, one exit-code rule, global flags first.

interface ErrorOut {
  error: { code: string; message: string; details: Record<string, unknown> | null };
}

let daemon: Daemon;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'clove-cli-errors-'));
  if (!NO_DIST) daemon = await withDaemon();
});
afterAll(async () => {
  await daemon?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(NO_DIST)('errors keep their shape', () => {
  it.each([
    { args: ['agent', 'run', 'nope.py', '--json'], code: 'AGENT_SPAWN_FAILED', exit: 1 },
    { args: ['world', 'show', 'nowhere', '--json'], code: 'WORLD_NOT_FOUND', exit: 1 },
    { args: ['agent', 'run', 'x.py', '--memory', 'lots', '--json'], code: 'KERNEL_BAD_REQUEST', exit: 2 },
    { args: ['agent', 'run', 'x.py', '--cpu', '-3', '--json'], code: 'CLI_USAGE', exit: 2 },
    { args: ['world', 'evnt', '--json'], code: 'CLI_USAGE', exit: 2 },
  ])('prints { error: { code, message, details } } for `clove $args.0 $args.1 $args.2`', async ({ args, code, exit }) => {
    const result = await daemon.cli(args);
    expect(result.code, result.stderr).toBe(exit);
    expect(result.stderr).toBe('');
    const out = json<ErrorOut>(result);
    expect(out.error).toMatchObject({ code, message: expect.any(String) });
    expect(Object.keys(out.error).sort()).toEqual(['code', 'details', 'message']);
  });

  it('exits 2 for bad input whether the CLI or the kernel notices it', async () => {
    expect((await daemon.cli(['agent', 'run', fixture('agents', 'hello.py'), '--memory', 'lots'])).code).toBe(2);
    expect((await daemon.cli(['agent', 'run', fixture('agents', 'hello.py'), '--cpu', '-3'])).code).toBe(2);
    await daemon.cli(['world', 'create', join('worlds', 'examples', 'empty.yaml'), '--name', 'billing']);
    const late = await daemon.cli(['world', 'event', 'billing', 'custom.hi', '--in', 'yesterday']);
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/^error: \[EVENT_TYPE_INVALID\] Event "custom\.hi" is invalid: in must be a duration .*got "yesterday"/);
    const hosts = await daemon.cli(['world', 'event', 'billing', 'network.outage', 'hosts=a.example']);
    expect(hosts.code).toBe(2);
    expect(hosts.stderr).toContain(`hosts must be array (e.g. hosts='["a.example"]')`);
  });

  it('takes global flags before the command', async () => {
    const status = await runCli(['--socket', daemon.socket, 'status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(json<{ pid: number }>(status).pid).toBe(daemon.pid);
    const list = await runCli(['--json', `--socket=${daemon.socket}`, 'world', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(Array.isArray(json(list))).toBe(true);
  });

  it('says why `kernel start --detach` failed, not only where the log is', async () => {
    // A kernel that cannot start: it is configured with an LLM provider that does not exist.
    const socket = join(work, 'k.sock');
    const failed = await runCli(['kernel', 'start', '--detach', '--socket', socket], { env: { CLOVE_LLM_PROVIDER: 'bogus' } });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: the kernel did not start: .*unknown LLM provider 'bogus'.* \(full log: \S+kernel\.log\)\n$/);
  });
});
