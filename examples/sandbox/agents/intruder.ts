/**
 * Tries what a compromised agent would try, through syscalls and by plain I/O, and prints one
 * JSON line per attempt: {attempt, via, outcome: 'allowed' | 'denied', code?, rule?, detail?}.
 * The demo (security.ts) passes the targets in CLOVE_DEMO_TARGETS.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { CloveError, runAgent } from '../../../sdk/index.js';

interface Targets {
  tokenFile: string;
  port: number;
}
const targets = JSON.parse(process.env.CLOVE_DEMO_TARGETS ?? '{}') as Targets;

function report(attempt: string, via: string, outcome: 'allowed' | 'denied', extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ attempt, via, outcome, ...extra }));
}

/** A syscall attempt: denied when the kernel answers with an error. */
async function syscall(attempt: string, call: () => Promise<unknown>): Promise<void> {
  try {
    const value = await call();
    report(attempt, 'syscall', 'allowed', { detail: JSON.stringify(value).slice(0, 80) });
  } catch (error) {
    const e = error as CloveError;
    report(attempt, 'syscall', 'denied', { code: e.code, rule: e.details?.rule ?? null, detail: e.message });
  }
}

/** A plain attempt inside the sandbox: denied when the operating system refuses. */
async function plain(attempt: string, call: () => unknown): Promise<void> {
  try {
    const value = await call();
    report(attempt, 'plain', 'allowed', { detail: JSON.stringify(value ?? null).slice(0, 80) });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    report(attempt, 'plain', 'denied', { code: e.code ?? 'ERROR', detail: e.message });
  }
}

function connectOnce(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
  });
}

await runAgent(async (clove) => {
  writeFileSync('notes.txt', 'my own work');
  await syscall('read the operator token', () => clove.read(targets.tokenFile));
  await plain('read the operator token', () => readFileSync(targets.tokenFile, 'utf8').length);
  await syscall('read /root/.bashrc', () => clove.read('/root/.bashrc'));
  await plain('list /root', () => {
    const entries = readdirSync('/root');
    if (entries.length === 0) throw Object.assign(new Error('/root is an empty tmpfs in this sandbox'), { code: 'HIDDEN' });
    return entries;
  });
  await syscall('write /etc/clove-was-here', () => clove.write('/etc/clove-was-here', 'pwned'));
  await plain('write /etc/clove-was-here', () => writeFileSync('/etc/clove-was-here', 'pwned'));
  await plain(`connect to 127.0.0.1:${targets.port} on the host`, () => connectOnce(targets.port));
  await syscall('exec sudo id', () => clove.exec('sudo id'));
  await syscall('exec rm -rf /', () => clove.exec('rm -rf /'));
  await syscall('http GET http://evil.example.net/', () => clove.http({ url: 'http://evil.example.net/', timeoutMs: 2000 }));
  // What it may do: its own files, harmless commands, allowed domains.
  await syscall('read ./notes.txt', () => clove.read('notes.txt'));
  await syscall('exec echo hello', () => clove.exec('echo hello'));
  await syscall(`http GET http://127.0.0.1:${targets.port}/`, () => clove.http({ url: `http://127.0.0.1:${targets.port}/`, timeoutMs: 2000 }));
});
