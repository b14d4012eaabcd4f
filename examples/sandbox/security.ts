/**
 * Security: a sandboxed agent tries to read the operator token, look into /root, write outside its
 * working directory, reach the host's loopback, run `sudo` and `rm -rf /`, and call a domain that
 * is not allowed. Every attempt is refused, and the refusal names the rule or the isolation that
 * stopped it; what the agent is allowed to do still works.
 *
 *   node --import tsx examples/sandbox/security.ts      (as root, for namespaces and uid 65534)
 */
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAudit } from '../../kernel/audit/index.js';
import { agent, sleep, startDemo } from './demo.js';

interface Attempt {
  attempt: string;
  via: 'syscall' | 'plain';
  outcome: 'allowed' | 'denied';
  code?: string;
  rule?: string | null;
  detail?: string;
}

const demo = await startDemo('Clove sandbox: security');
const { client: c } = demo;

const server = createServer((_req, res) => res.end('hello from the host\n'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
const workspace = mkdtempSync(join(tmpdir(), 'clove-demo-ws-'));
// The agent's own working directory: it runs as uid 65534 and writes there.
if (process.getuid?.() === 0) chownSync(workspace, 65534, 65534);

await c.subscribe(['SYSCALL_BLOCKED']);
const permissions = { level: 'SANDBOXED', http: { allowed: true, domains: ['127.0.0.1'] } };
const spawned = await c.spawn({
  script: agent('intruder.ts'),
  name: 'intruder',
  cwd: workspace,
  sandboxed: true,
  network: false,
  limits: { memory: '256M', maxPids: 64 },
  permissions,
  env: { CLOVE_DEMO_TARGETS: JSON.stringify({ tokenFile: demo.kernel.tokenFile, port }) },
});
const iso = spawned.isolation;
console.log(`\nagent intruder (#${spawned.id}): permissions SANDBOXED + http to 127.0.0.1 only; sandbox ${iso.backend}, uid ${iso.uid}, no_new_privs ${iso.noNewPrivs}, net namespace ${iso.namespaces.net}, mnt namespace ${iso.namespaces.mnt}`);
const ended = await c.wait(spawned.id, 60_000);
const logs = await c.logs(spawned.id, { max: 100_000 });
const attempts = logs.lines.filter((l) => l.stream === 'stdout' && l.text.startsWith('{')).map((l) => JSON.parse(l.text) as Attempt);
if (ended.exitCode !== 0) for (const l of logs.lines.slice(-20)) console.log(`  | ${l.text}`);

/** What stopped a plain (non-syscall) attempt: the isolation in the agent's record. */
function isolationRule(a: Attempt): string {
  if (a.attempt.startsWith('connect')) return `net namespace (network: false): only the sandbox's own loopback; ${a.code}`;
  if (a.code === 'ENOENT' || a.code === 'HIDDEN') return `mnt namespace: hidden from the sandbox; ${a.code}`;
  if (a.code === 'EACCES' || a.code === 'EROFS' || a.code === 'EPERM') return `uid ${iso.uid}, Unix permissions; ${a.code}`;
  return a.code ?? 'unknown';
}

const expectDenied = (name: string, via: Attempt['via']) => {
  const a = attempts.find((x) => x.attempt === name && x.via === via);
  const rule = a?.via === 'syscall' ? (a.rule ? `rule ${a.rule}` : (a.code ?? '')) : a ? isolationRule(a) : '';
  demo.claim(a?.outcome === 'denied' && (a.via === 'plain' || !!a.rule), `${name} (${via === 'syscall' ? 'syscall' : 'plain I/O'}): denied`, a ? rule : 'not attempted');
};
const expectAllowed = (name: string) => {
  const a = attempts.find((x) => x.attempt === name);
  demo.claim(a?.outcome === 'allowed', `${name}: allowed`, a?.detail ?? a?.code ?? 'not attempted');
};

demo.section('denied');
expectDenied('read the operator token', 'syscall');
expectDenied('read the operator token', 'plain');
expectDenied('read /root/.bashrc', 'syscall');
expectDenied('list /root', 'plain');
expectDenied('write /etc/clove-was-here', 'syscall');
expectDenied('write /etc/clove-was-here', 'plain');
expectDenied(`connect to 127.0.0.1:${port} on the host`, 'plain');
expectDenied('exec sudo id', 'syscall');
expectDenied('exec rm -rf /', 'syscall');
expectDenied('http GET http://evil.example.net/', 'syscall');

demo.section('still allowed');
expectAllowed('read ./notes.txt');
expectAllowed('exec echo hello');
expectAllowed(`http GET http://127.0.0.1:${port}/`);

demo.section('what the operator sees');
const { events } = await c.pollEvents({ max: 1000, timeoutMs: 500 });
const blocked = events.filter((e) => e.type === 'SYSCALL_BLOCKED' && e.source === spawned.id);
for (const e of blocked) demo.note(`SYSCALL_BLOCKED ${String(e.data.op)} ${String(e.data.what)} (rule: ${String(e.data.rule)})`);
const deniedSyscalls = attempts.filter((a) => a.via === 'syscall' && a.outcome === 'denied').length;
demo.claim(blocked.length === deniedSyscalls, 'every denied syscall raised SYSCALL_BLOCKED', `${blocked.length} events`);
// The audit log reaches its file within a quarter second: read it until the denials are there.
let auditDenied = 0;
for (const end = Date.now() + 5000; ; await sleep(100)) {
  auditDenied = 0;
  for await (const r of readAudit(join(demo.dir, 'audit.log'), { agent: spawned.id })) if (r.decision === 'denied' && r.rule) auditDenied++;
  if (auditDenied >= deniedSyscalls || Date.now() > end) break;
}
demo.claim(auditDenied === deniedSyscalls, 'the audit log records each denial with its rule', `${auditDenied} records; \`clove audit --agent intruder\``);
demo.claim(ended.exitCode === 0, 'the agent itself ran to the end', `state ${ended.state}, exit ${ended.exitCode ?? ended.signal}`);
demo.note(`host /root has ${readdirSync('/root').length} entries; the sandbox saw none`);

server.close();
rmSync(workspace, { recursive: true, force: true });
process.exitCode = await demo.finish();
