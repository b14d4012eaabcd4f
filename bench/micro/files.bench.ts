/**
 * The cost of the descriptor walk behind agents' host file syscalls (kernel/fs/view-walk.ts):
 * READ and WRITE of a small file 4 directories deep, as an operator (plain path calls, no checks)
 * and as an agent (component walk, credential and rule checks, O_NOFOLLOW opens), in the host view
 * and through `/proc/self/root` (how a sandboxed agent's own view is reached).
 * Run: node --import tsx bench/micro/files.bench.ts [--json]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { KernelError } from '../../kernel/errors.js';
import { kernelCredentials } from '../../kernel/fs/credentials.js';
import { HostFileSystem } from '../../kernel/fs/host-fs.js';
import { resolvePermissions } from '../../kernel/permissions/index.js';

const json = process.argv.includes('--json');
const base = mkdtempSync(join(tmpdir(), 'clove-files-bench-'));
const dir = join(base, 'a', 'b', 'c');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'data.txt');
writeFileSync(file, 'x'.repeat(1024));
const data = Buffer.alloc(1024, 'y');

const denied = () => new KernelError('PERM_DENIED', 'denied');
const operator = new HostFileSystem(base, null, '/nonexistent-state', denied);
const perms = resolvePermissions({ level: 'STANDARD', paths: { read: { allow: ['/**'] }, write: { allow: [`${base}/**`] } } });
const agentHost = new HostFileSystem(base, perms, '/nonexistent-state', denied, () => ({ root: '/', creds: kernelCredentials() }));
const agentView = new HostFileSystem(base, perms, '/nonexistent-state', denied, () => ({ root: '/proc/self/root', creds: kernelCredentials() }));

const bench = new Bench({ time: 1500, warmupTime: 200 });
bench
  .add('READ 1 KiB, operator (plain path)', () => operator.read(file))
  .add('READ 1 KiB, agent walk (host view)', () => agentHost.read(file))
  .add('READ 1 KiB, agent walk (/proc/<pid>/root view)', () => agentView.read(file))
  .add('WRITE 1 KiB, operator (plain path)', () => operator.write(join(dir, 'w.txt'), data, 'w'))
  .add('WRITE 1 KiB, agent walk (host view)', () => agentHost.write(join(dir, 'w.txt'), data, 'w'))
  .add('STAT, agent walk (host view)', () => agentHost.stat(file));
await bench.run();
rmSync(base, { recursive: true, force: true });

const rows = bench.tasks.map((t) => {
  const r = t.result as unknown as { latency?: { p50?: number; p99?: number }; throughput?: { mean?: number } } | undefined;
  return { case: t.name, p50_us: Math.round((r?.latency?.p50 ?? NaN) * 1000), p99_us: Math.round((r?.latency?.p99 ?? NaN) * 1000), ops_s: Math.round(r?.throughput?.mean ?? NaN) };
});
if (json) console.log(JSON.stringify(rows));
else console.table(rows);
