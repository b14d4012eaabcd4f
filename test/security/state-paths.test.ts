import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveKernelOptions } from '../../kernel/options.js';
import { checkPath, resolvePermissions } from '../../kernel/permissions/index.js';
import { NO_DIST, ROOT } from '../helpers/cli.js';

// A relative or linked socket path must not move the state directory (and the operator token) to
// `/`, nor turn the `{state}/**` deny rule into a pattern that never matches.

describe('state directory paths', () => {
  it('resolves a relative socket path before building the state directory and its deny rule', () => {
    for (const socketPath of ['k.sock', './k.sock', 'sub/../k.sock']) {
      const options = resolveKernelOptions({ socketPath });
      expect(options.socketPath).toBe(resolve('k.sock'));
      expect(options.stateDir).toBe(realpathSync(process.cwd()));
      const token = join(options.stateDir, 'operator.token');
      for (const level of ['UNRESTRICTED', 'STANDARD', 'SANDBOXED'] as const) {
        expect(checkPath(resolvePermissions(level), 'read', token, { stateDir: options.stateDir, workspace: '/tmp' })).toMatchObject({ allowed: false });
      }
    }
  });

  it('names the state directory by its real path when it is reached through a symlink', () => {
    const base = mkdtempSync(join(tmpdir(), 'clove-state-'));
    try {
      mkdirSync(join(base, 'real'));
      symlinkSync(join(base, 'real'), join(base, 'link'));
      const options = resolveKernelOptions({ socketPath: join(base, 'link', 'k.sock') });
      expect(options.stateDir).toBe(join(realpathSync(base), 'real'));
      // The kernel's walk sees real paths: the rule must match the token by its real path.
      expect(checkPath(resolvePermissions('STANDARD'), 'read', join(realpathSync(base), 'real', 'operator.token'), { stateDir: options.stateDir })).toMatchObject({ allowed: false });
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it.skipIf(NO_DIST)(`a kernel started with a bare socket name keeps its token beside the socket, not in /${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'clove-rel-'));
    try {
      const script = `
        const { startKernel } = await import(${JSON.stringify(join(ROOT, 'dist', 'kernel', 'index.js'))});
        const h = await startKernel({ socketPath: 'k.sock', sandbox: false });
        console.log(JSON.stringify({ tokenFile: h.tokenFile, socket: h.socketPath }));
        await h.close();`;
      const run = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd, reject: false, timeout: 20_000 });
      expect(run.exitCode, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { tokenFile: string; socket: string };
      expect(out.tokenFile).toBe(join(realpathSync(cwd), 'operator.token'));
      expect(out.socket).toBe(join(cwd, 'k.sock'));
      expect(existsSync('/operator.token')).toBe(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
