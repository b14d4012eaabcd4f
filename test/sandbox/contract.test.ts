import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type SandboxBackend } from '../../kernel/sandbox/index.js';
import { isRoot, run, sleep, spec, start } from './helpers.js';

// One contract, every backend: whatever a backend reports in the isolation report must hold.
const stateDir = `/var/lib/clove-contract-${process.pid}`;
const secretDir = `/root/clove-contract-${process.pid}`;

let server: Server;
let port = 0;

beforeAll(async () => {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(`${stateDir}/operator.token`, 'TOKEN-SECRET', { mode: 0o600 });
  if (isRoot) {
    mkdirSync(secretDir, { recursive: true });
    writeFileSync(`${secretDir}/secret.txt`, 'HOST-SECRET', { mode: 0o644 });
  }
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end('hello\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server?.close();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(secretDir, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<SandboxBackend>]> = [
  ['plain', async () => (await selectBackend({ stateDir, mode: 'plain' })).isolating],
  ['namespaces (root)', async () => (await selectBackend({ stateDir, mode: 'namespaces' })).isolating],
  ['user namespaces', async () => (await selectBackend({ stateDir, mode: 'userns' })).isolating],
  ['namespaces without cgroups (rlimits)', async () => (await selectBackend({ stateDir, mode: 'namespaces', cgroups: false })).isolating],
];

const PROBE = [
  'echo "pid=$$"',
  'echo "host=$(hostname)"',
  'echo "uid=$(id -u)"',
  'grep NoNewPrivs /proc/self/status',
  `cat ${stateDir}/operator.token 2>/dev/null || echo token=unreadable`,
  `cat ${secretDir}/secret.txt 2>/dev/null || echo secret=unreadable`,
  'echo "procs=$(ls /proc | grep -c "^[0-9]")"',
].join('; ');

describe.each(backends)('sandbox contract: %s', (label, make) => {
  let backend: SandboxBackend;
  const needsRoot = !isRoot && label !== 'plain';

  beforeAll(async () => {
    backend = await make();
  });

  it.skipIf(needsRoot)('runs the command and returns its output and exit code (skipped: needs root)', async () => {
    const result = await run(backend, spec({ command: '/bin/sh', args: ['-c', 'echo ready; exit 7'] }));
    expect(result.stdout).toBe('ready\n');
    expect(result.code).toBe(7);
  });

  it.skipIf(needsRoot)('reports a death by signal as that signal', async () => {
    const result = await run(backend, spec({ command: '/bin/sh', args: ['-c', 'kill -KILL $$'] }));
    expect(result.signal).toBe('SIGKILL');
  });

  it.skipIf(needsRoot)('holds every claim of its isolation report', async () => {
    const result = await run(backend, spec({ command: '/bin/sh', args: ['-c', PROBE], name: 'contract-host' }));
    const iso = result.isolation;
    const out = result.stdout;
    expect(iso.backend).toBe(backend.name);
    if (iso.namespaces.pid) {
      expect(Number(/pid=(\d+)/.exec(out)?.[1])).toBeLessThan(10);
      if (iso.namespaces.mnt) expect(Number(/procs=(\d+)/.exec(out)?.[1])).toBeLessThan(10);
    }
    if (iso.namespaces.uts) expect(out).toContain('host=contract-host');
    if (iso.uid !== null) expect(out).toContain(`uid=${iso.uid}`);
    if (iso.no_new_privs) expect(out).toMatch(/NoNewPrivs:\s+1/);
    if (iso.uid !== 0 || iso.namespaces.mnt) expect(out).toContain('token=unreadable');
    if (iso.namespaces.mnt) expect(out).toContain('secret=unreadable');
    if (iso.sandboxed) {
      expect(iso.no_new_privs).toBe(true);
      expect(out).not.toContain('TOKEN-SECRET');
    }
  });

  it.skipIf(needsRoot)('blocks the host loopback exactly when the report claims a network namespace', async () => {
    const script = `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), timeout=1); print('connected')" 2>/dev/null || echo blocked`;
    const result = await run(backend, spec({ command: '/bin/sh', args: ['-c', script] }));
    expect(result.stdout.trim()).toBe(result.isolation.namespaces.net ? 'blocked' : 'connected');
    const open = await run(backend, spec({ command: '/bin/sh', args: ['-c', script], network: true }));
    expect(open.stdout.trim()).toBe('connected');
    expect(open.isolation.namespaces.net).toBe(false);
  });

  it.skipIf(needsRoot)('stops progress on freeze and resumes on thaw', async () => {
    const agent = await start(backend, spec({ command: '/bin/sh', args: ['-c', 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.02; done'] }));
    await agent.waitFor(/\n3\n/);
    const method = await agent.launch.handle.freeze();
    expect(['freezer', 'signal']).toContain(method);
    await sleep(50);
    const frozenAt = agent.output().length;
    await sleep(200);
    expect(agent.output().length).toBe(frozenAt);
    await agent.launch.handle.thaw();
    await sleep(200);
    expect(agent.output().length).toBeGreaterThan(frozenAt);
    await agent.launch.handle.killAll('SIGKILL');
    await agent.exited;
    await agent.launch.handle.destroy();
  });

  it.skipIf(needsRoot)('kills the whole process tree with killAll', async () => {
    const agent = await start(backend, spec({ command: '/bin/sh', args: ['-c', 'sleep 30 & sleep 30 & echo up; wait'] }));
    await agent.waitFor(/up/);
    await agent.launch.handle.killAll('SIGTERM');
    const exit = await agent.exited;
    expect(exit.code !== 0 || exit.signal !== null).toBe(true);
    await agent.launch.handle.destroy();
    if (agent.launch.isolation.cgroup.path) expect(await agent.launch.handle.stats().catch(() => null)).toBeTruthy();
  });

  it.skipIf(needsRoot)('runs EXEC inside the same sandbox with exit code, truncation and timeout', async () => {
    const agent = await start(backend, spec({ command: '/bin/sh', args: ['-c', 'echo up; sleep 30'], name: 'exec-host' }));
    await agent.waitFor(/up/);
    const handle = agent.launch.handle;
    const who = await handle.exec({ command: 'echo "$(hostname) $(id -u)"; exit 3' });
    expect(who.exit_code).toBe(3);
    const [host, uid] = who.stdout.trim().split(' ');
    if (agent.launch.isolation.namespaces.uts) expect(host).toBe('exec-host');
    expect(Number(uid)).toBe(agent.launch.isolation.uid);
    const big = await handle.exec({ command: 'head -c 5000 /dev/zero | tr "\\0" x', maxOutputBytes: 100 });
    expect(big.stdout_truncated).toBe(true);
    expect(big.stdout).toContain('[output truncated at 100 bytes]');
    const slow = await handle.exec({ command: 'sleep 10', timeoutMs: 200 });
    expect(slow.timed_out).toBe(true);
    await handle.killAll('SIGKILL');
    await agent.exited;
    await handle.destroy();
  });
});

describe('backend selection', () => {
  it.skipIf(!isRoot)('as root finds every namespace, and a user-namespace variant (skipped: needs root)', async () => {
    const full = await selectBackend({ stateDir, mode: 'namespaces' });
    expect(full.name).toBe('namespaces');
    expect(full.probe().namespaces).toEqual({ pid: true, net: true, mnt: true, uts: true, ipc: true, user: false });
    const userns = await selectBackend({ stateDir, mode: 'userns' });
    expect(userns.name).toBe('userns');
    expect(userns.probe().namespaces.user).toBe(true);
  });
});
