import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient } from '../../sdk/index.js';
import { useTestKernel } from '../helpers/kernel.js';
import { hostile, NOT_ROOT, rootSecret, type Result } from './helpers.js';

// Host file syscalls made by hostile agents: links (dangling, swapped, hard), the agent's own view
// of /tmp, /proc of other processes, and path tricks. The kernel runs as root; every attack must
// end in a refusal that names the rule, and nothing the agent could not reach itself may leak.

let c: CloveClient;
/** Visible inside sandboxes (not a hidden directory): where root-only secrets and agents' work dirs live. */
let visible: string;
let n = 0;

/** A working directory the sandboxed agent (uid 65534) owns. */
function workDir(): string {
  const dir = mkdtempSync(join(visible, `work-${++n}-`));
  chownSync(dir, 65534, 65534);
  return dir;
}

const refusedWith = (r: Result | undefined, code: string) => expect(r, JSON.stringify(r)).toMatchObject({ error: code });

describe.skipIf(NOT_ROOT)(`host file syscalls of hostile agents${NOT_ROOT ? ` (skipped: ${NOT_ROOT})` : ''}`, () => {
  const k = useTestKernel();
  beforeAll(async () => {
    c = await k.client();
    visible = mkdtempSync(join('/var/lib', 'clove-sec-'));
    chmodSync(visible, 0o755);
  });
  afterAll(async () => {
    if (visible) rmSync(visible, { recursive: true, force: true });
  });

  it('WRITE through a dangling symlink does not create the file it points to', async () => {
    const cwd = workDir();
    const outside = mkdtempSync(join(visible, 'outside-'));
    const results = await hostile(
      c,
      [
        ['symlink', join(outside, 'created-by-kernel'), 'dl'],
        ['call', 'write', { path: 'dl', content: 'pwned' }],
        ['symlink', join(outside, 'new-dir', 'x'), 'dl2'],
        ['call', 'write', { path: `${cwd}/dl2`, content: 'pwned' }],
        ['call', 'mkdir', { path: 'dl3/../dl/sub' }],
      ],
      { cwd },
    );
    refusedWith(results[1], 'FS_LINK_REFUSED');
    refusedWith(results[3], 'FS_LINK_REFUSED');
    expect(results[4]?.ok).toBeUndefined();
    expect(existsSync(join(outside, 'created-by-kernel'))).toBe(false);
    expect(existsSync(join(outside, 'new-dir'))).toBe(false);
  });

  it('swapping a file for a symlink between check and open never returns the operator token or a root-only file', async () => {
    const cwd = workDir();
    const secret = rootSecret(visible, `root-only-${Math.random()}`);
    const results = await hostile(
      c,
      [
        ['race', { path: 't', target: k.tokenFile, method: 'read', kwargs: { path: 't' }, n: 300 }],
        ['race', { path: 's', target: secret.file, method: 'read', kwargs: { path: `${cwd}/s` }, n: 300 }],
      ],
      { cwd },
    );
    const token = results[0]?.ok as { contents: string[]; errors: Record<string, number>; swaps: number };
    const root = results[1]?.ok as { contents: string[]; errors: Record<string, number>; swaps: number };
    expect(token.swaps).toBeGreaterThan(0);
    expect(token.contents).not.toContain(k.token);
    expect(root.contents).not.toContain(readFileSync(secret.file, 'utf8'));
    // Each call read the decoy or was refused; never anything else.
    for (const r of [token, root]) {
      expect(r.contents.every((x) => x === 'decoy')).toBe(true);
      expect(Object.keys(r.errors).every((code) => ['FS_LINK_REFUSED', 'FS_NOT_FOUND'].includes(code))).toBe(true);
    }
  }, 120_000);

  it("'/tmp' is the sandboxed agent's own /tmp, and files are read and written with its rights", async () => {
    const cwd = workDir();
    const hostTmpSecret = rootSecret(tmpdir(), 'host tmp secret');
    const secret = rootSecret(visible, 'root only');
    const name = `/tmp/clove-own-${process.pid}-${Math.random().toString(36).slice(2)}.txt`;
    const results = await hostile(
      c,
      [
        ['call', 'read', { path: hostTmpSecret.file }],
        ['call', 'read', { path: secret.file }],
        ['call', 'write', { path: name, content: 'mine' }],
        ['get', name],
        ['stat', name],
        ['call', 'write', { path: secret.file, content: 'pwned' }],
        ['call', 'listdir', { path: secret.dir }],
        ['call', 'write', { path: `/etc/clove-pwned-${process.pid}`, content: 'pwned' }],
        ['call', 'mkdir', { path: `${cwd}/made/deep` }],
        ['stat', `${cwd}/made/deep`],
      ],
      { cwd, permissions: { level: 'STANDARD', paths: { write: { allow: ['{workspace}/**', '/tmp/**', '/etc/**', `${visible}/**`] } } } },
    );
    refusedWith(results[0], 'FS_NOT_FOUND');
    refusedWith(results[1], 'PERM_DENIED');
    expect(results[1]?.message).toContain('unix permissions');
    expect(results[2]?.ok).toMatchObject({ written: 4 });
    expect(results[3]?.ok).toBe('mine');
    expect(results[4]?.ok).toMatchObject({ uid: 65534 });
    expect(existsSync(name)).toBe(false);
    refusedWith(results[5], 'PERM_DENIED');
    refusedWith(results[6], 'PERM_DENIED');
    expect(results[7]?.error).toMatch(/PERM_DENIED|FS_ERROR/);
    expect(existsSync(`/etc/clove-pwned-${process.pid}`)).toBe(false);
    expect(results[9]?.ok).toMatchObject({ uid: 65534 });
    expect(readFileSync(secret.file, 'utf8')).toBe('root only');
  });

  it("another agent's /proc/<pid>/environ, the kernel's /proc and /sys are not readable through file syscalls", async () => {
    const victim = await c.spawn({ script: join(import.meta.dirname, '..', 'fixtures', 'agents', 'sleeper.js'), env: { VICTIM_SECRET: 'victim-secret-value' } });
    const cwd = workDir();
    try {
      const results = await hostile(
        c,
        [
          ['call', 'read', { path: `/proc/${victim.pid}/environ` }],
          ['call', 'read', { path: '/proc/self/environ' }],
          ['call', 'read', { path: `/proc/${process.pid}/environ` }],
          ['call', 'listdir', { path: '/proc' }],
          ['call', 'read', { path: '/sys/kernel/hostname' }],
          ['call', 'read', { path: '/proc/1/root/etc/hostname' }],
        ],
        { cwd, sandboxed: false },
      );
      for (const r of results) {
        refusedWith(r, 'PERM_DENIED');
        expect(JSON.stringify(r)).not.toContain('victim-secret-value');
      }
      expect(results[0]?.message).toContain('fs.pseudo proc');
      expect(results[4]?.message).toContain('fs.pseudo sysfs');
    } finally {
      await c.kill(victim.id, { signal: 'SIGKILL' }).catch(() => undefined);
    }
  });

  it('still follows system links the agent cannot have made, inside its own view', async () => {
    const cwd = workDir();
    const results = await hostile(
      c,
      [
        ['call', 'read', { path: '/etc/os-release' }],
        ['get', '/etc/os-release'],
        ['call', 'stat', { path: '/bin' }],
        ['call', 'stat', { path: '/bin/sh' }],
      ],
      { cwd, permissions: 'STANDARD' },
    );
    expect(results[0]?.ok?.content, JSON.stringify(results[0])).toBe(results[1]?.ok);
    expect(results[2]?.ok).toMatchObject({ type: 'symlink' });
    // /bin is followed (root's link in a root directory); the last component of STAT is not.
    expect(results[3]?.ok).toMatchObject({ path: '/bin/sh' });
  });

  it('path tricks (.., absolute, encoded, very long, NUL) reach nothing outside and the kernel keeps serving', async () => {
    const cwd = workDir();
    const secret = rootSecret(visible, 'root only');
    const results = await hostile(
      c,
      [
        ['call', 'read', { path: `../../../../../../..${secret.file}` }],
        ['call', 'read', { path: `/tmp/../../../${secret.file}` }],
        ['call', 'read', { path: '%2e%2e/%2e%2e/%2e%2e/etc/shadow' }],
        ['call', 'read', { path: `/tmp/${'a'.repeat(300)}` }],
        ['call', 'read', { path: `${'a/'.repeat(3000)}x` }],
        ['call', 'read', { path: '/etc/passwd\u0000.txt' }],
        ['call', 'write', { path: `ok\u0000/../../etc/x`, content: 'x' }],
        ['call', 'read', { path: '/etc/shadow' }],
        ['call', 'read', { path: '//etc//./shadow' }],
        ['call', 'status'],
      ],
      { cwd },
    );
    refusedWith(results[0], 'PERM_DENIED');
    refusedWith(results[1], 'PERM_DENIED');
    refusedWith(results[2], 'FS_NOT_FOUND');
    expect(results[3]?.error).toMatch(/FS_ERROR|FS_NOT_FOUND/);
    expect(results[4]?.error).toMatch(/FS_ERROR|FS_NOT_FOUND/);
    refusedWith(results[5], 'KERNEL_BAD_REQUEST');
    refusedWith(results[6], 'KERNEL_BAD_REQUEST');
    refusedWith(results[7], 'PERM_DENIED');
    refusedWith(results[8], 'PERM_DENIED');
    expect(results[9]?.ok).toMatchObject({ pid: process.pid });
    expect(JSON.stringify(results)).not.toContain('root only');
  });
});

describe.skipIf(NOT_ROOT)(`an agent with the kernel's uid${NOT_ROOT ? ` (skipped: ${NOT_ROOT})` : ''}`, () => {
  let cr: CloveClient;
  const kr = useTestKernel({ sandbox: { plainUser: 'kernel' } });
  beforeAll(async () => {
    cr = await kr.client();
  });

  it('a hard link to the operator token is refused, whatever name it has', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'clove-hl-'));
    try {
      const results = await hostile(
        cr,
        [
          ['link', kr.tokenFile, join(cwd, 'harmless.txt')],
          ['call', 'read', { path: 'harmless.txt' }],
          ['call', 'write', { path: 'harmless.txt', content: 'x' }],
          ['call', 'read', { path: kr.tokenFile }],
        ],
        { cwd, sandboxed: false },
      );
      expect(results[0]?.ok).toBe(true);
      refusedWith(results[1], 'FS_LINK_REFUSED');
      refusedWith(results[2], 'FS_LINK_REFUSED');
      refusedWith(results[3], 'PERM_DENIED');
      expect(JSON.stringify(results)).not.toContain(kr.token);
      expect(readFileSync(kr.tokenFile, 'utf8')).toBe(kr.token);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('follows no symlink at all for such an agent (it could have made any of them)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'clove-rootlink-'));
    try {
      const results = await hostile(cr, [['symlink', '/etc/hostname', join(cwd, 'h')], ['call', 'read', { path: 'h' }], ['call', 'stat', { path: 'h' }]], { cwd, sandboxed: false });
      refusedWith(results[1], 'FS_LINK_REFUSED');
      expect(results[2]?.ok).toMatchObject({ type: 'symlink' });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
