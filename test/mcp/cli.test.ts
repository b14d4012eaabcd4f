import { describe, expect, it } from 'vitest';
import { NO_DIST, runCli } from '../helpers/cli.js';

// `clove mcp` refuses bad usage before it serves anything: exit 2, or 3 when no kernel listens.
describe.skipIf(NO_DIST)(`clove mcp usage${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, { concurrent: true }, () => {
  it('exits 3 with one error line when no kernel listens at --socket', async () => {
    const { code, stdout, stderr } = await runCli(['mcp', '--socket', '/tmp/clove-mcp-no-kernel/k.sock']);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('/tmp/clove-mcp-no-kernel/k.sock');
  });

  it.each([
    { args: ['--grant', 'root'], error: "'root' is not a grant; grants are kill, perms, worlds, shutdown" },
    { args: ['--host', '0.0.0.0'], error: '--host applies to --http' },
    { args: ['--http', 'eighty'], error: 'Expected a port number' },
    { args: ['--permissions', 'ROOT'], error: "--permissions: 'ROOT' is neither a level" },
    { args: ['--permissions', '@/tmp/clove-mcp-no-such-perms.json'], error: 'cannot read /tmp/clove-mcp-no-such-perms.json' },
  ].map((c) => ({ ...c, line: c.args.join(' ') })))('exits 2 for `clove mcp $line`', async ({ args, error }) => {
    const { code, stdout, stderr } = await runCli(['mcp', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(error);
  });

  it('exits 2 with the error as JSON on stdout for `clove mcp --json` without --http', async () => {
    const { code, stdout } = await runCli(['mcp', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'CLI_USAGE', message: expect.stringContaining('--json applies to --http') });
  });

  it('exits 2 with the kernel\'s PERM_INVALID when the permission object is wrong (embedded kernel)', async () => {
    const { code, stdout, stderr } = await runCli(['mcp', '--permissions', '{"level":"SANDBOXED","exec":{"allowed":"yes"}}'], { env: { CLOVE_SOCKET: undefined } });
    expect(code, stderr).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('PERM_INVALID');
    expect(stderr).toContain('exec.allowed');
  });
});
