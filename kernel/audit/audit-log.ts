import { appendFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One line of the audit log. */
export interface AuditRecord {
  /** The kernel run that wrote it (one id per kernel start): successive kernels share a log. */
  run?: string;
  time: number;
  caller: { agent_id: number | null; agent_name: string | null; role: 'agent' | 'operator' | 'anonymous' };
  opcode: string;
  /** JSON summary of the arguments: truncated, secrets redacted. */
  args: string;
  decision: 'allowed' | 'denied';
  /** The permission rule that denied the call. */
  rule?: string;
  duration_ms: number;
  /** Stable error code when the call failed. */
  error?: string;
}

export type AuditInput = Omit<AuditRecord, 'time' | 'args' | 'run'> & { time?: number; args: unknown };

export interface AuditLogOptions {
  /** Rotate when the file would grow past this; default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept (`audit.log.1` newest); default 5. */
  keep?: number;
  /** Buffered lines are written at least this often; default 250 ms. */
  flushIntervalMs?: number;
  /** Lines buffered before an immediate write; default 512. */
  maxBufferedLines?: number;
  /** Characters kept of the argument summary; default 300. */
  maxArgsChars?: number;
  /** Stamped on every record as `run`: the id of this kernel run. */
  runId?: string;
}

/** Defaults of {@link AuditLogOptions}. */
export const AUDIT_LOG_DEFAULTS: Required<AuditLogOptions> = {
  /** @default 10 MiB */
  maxBytes: 10 * 1024 * 1024,
  /** @default 5 */
  keep: 5,
  /** @default 250 ms */
  flushIntervalMs: 250,
  /** @default 512 */
  maxBufferedLines: 512,
  /** @default 300 */
  maxArgsChars: 300,
  /** @default '' (no run id) */
  runId: '',
};

// `token` but not token counts (max_tokens, total_tokens): those are usage, not credentials.
const SECRET_KEY = /(?<!_)tokens?$|^token|secret|password|passwd|authorization|api[_-]?key|cookie|credential|private[_-]?key/i;

/** Levels of nesting shown in a summary; deeper values are written as "[…]". */
const SUMMARY_DEPTH = 8;

/**
 * JSON summary of syscall arguments with secrets redacted and long values cut. It writes at most
 * `maxChars` characters and looks no deeper than a few levels, whatever the value's size or
 * nesting, so any payload a client sends can be summarised in constant time and stack.
 */
export function summarizeArgs(value: unknown, maxChars = 300): string {
  let out = '';
  const seen = new Set<object>();
  const full = () => out.length > maxChars;
  const emit = (v: unknown, depth: number): void => {
    if (full()) return;
    if (typeof v === 'string') {
      out += JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…(${v.length} chars)` : v);
    } else if (typeof v === 'number') out += Number.isFinite(v) ? String(v) : 'null';
    else if (typeof v === 'boolean') out += String(v);
    else if (typeof v === 'bigint') out += v.toString();
    else if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') out += 'null';
    else if (ArrayBuffer.isView(v)) out += `"[${v.byteLength} bytes]"`;
    else if (v instanceof ArrayBuffer) out += `"[${v.byteLength} bytes]"`;
    else if (typeof v === 'object') {
      if (seen.has(v)) {
        out += '"[circular]"';
        return;
      }
      if (depth >= SUMMARY_DEPTH) {
        out += Array.isArray(v) ? '"[…]"' : '"{…}"';
        return;
      }
      seen.add(v);
      if (Array.isArray(v)) {
        out += '[';
        for (let i = 0; i < v.length && !full(); i++) {
          if (i > 0) out += ',';
          emit(v[i], depth + 1);
        }
        out += ']';
      } else {
        out += '{';
        let first = true;
        for (const key in v) {
          if (full()) break;
          if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
          const item = (v as Record<string, unknown>)[key];
          if (item === undefined) continue;
          out += `${first ? '' : ','}${JSON.stringify(key)}:`;
          first = false;
          if (SECRET_KEY.test(key)) out += '"[redacted]"';
          else emit(item, depth + 1);
        }
        out += '}';
      }
      seen.delete(v);
    } else out += 'null';
  };
  emit(value, 0);
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}

/**
 * Append-only JSON-lines audit log, rotated by size. `record` only buffers (cheap on the syscall
 * path); lines reach the file on a timer, when the buffer fills, and on `flush`/`close`.
 *
 * @example
 * const audit = new AuditLog('/var/lib/clove/audit.log');
 * audit.record({ caller: { agent_id: 3, agent_name: 'a', role: 'agent' }, opcode: 'READ', args: { path }, decision: 'allowed', duration_ms: 0.4 });
 */
export class AuditLog {
  private buffer: string[] = [];
  private size: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly opts: Required<AuditLogOptions>;

  constructor(
    readonly path: string,
    options: AuditLogOptions = {},
  ) {
    this.opts = { ...AUDIT_LOG_DEFAULTS, ...options };
  }

  record(input: AuditInput): void {
    if (this.closed) return;
    const line: AuditRecord = {
      ...(this.opts.runId ? { run: this.opts.runId } : {}),
      time: input.time ?? Date.now(),
      caller: input.caller,
      opcode: input.opcode,
      args: summarizeArgs(input.args, this.opts.maxArgsChars),
      decision: input.decision,
      ...(input.rule ? { rule: input.rule } : {}),
      duration_ms: Math.round(input.duration_ms * 1000) / 1000,
      ...(input.error ? { error: input.error } : {}),
    };
    this.buffer.push(`${JSON.stringify(line)}\n`);
    if (this.buffer.length >= this.opts.maxBufferedLines) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushIntervalMs).unref();
  }

  /** Writes every buffered line. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return this.writing;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.writing = this.writing.then(() => this.write(chunk)).catch(() => undefined);
    return this.writing;
  }

  /** Flushes and stops; later records are dropped. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  /** For a process about to exit: writes what is buffered synchronously. */
  flushSync(): void {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    const bytes = Buffer.byteLength(chunk);
    const size = this.size ?? (existsSync(this.path) ? statSync(this.path).size : 0);
    if (size > 0 && size + bytes > this.opts.maxBytes) {
      this.rotateSync();
      this.size = 0;
    }
    appendFileSync(this.path, chunk);
    this.size = (this.size ?? size) + bytes;
  }

  private async write(chunk: string): Promise<void> {
    const bytes = Buffer.byteLength(chunk);
    if (this.size === null) {
      await mkdir(dirname(this.path), { recursive: true });
      this.size = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      );
    }
    if (this.size > 0 && this.size + bytes > this.opts.maxBytes) {
      await this.rotate();
      this.size = 0;
    }
    await appendFile(this.path, chunk, { mode: 0o600 });
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    await rm(`${this.path}.${this.opts.keep}`, { force: true });
    for (let i = this.opts.keep - 1; i >= 1; i--) {
      await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => undefined);
    }
    if (this.opts.keep > 0) await rename(this.path, `${this.path}.1`);
    else await rm(this.path, { force: true });
  }

  private rotateSync(): void {
    rmSync(`${this.path}.${this.opts.keep}`, { force: true });
    for (let i = this.opts.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    if (this.opts.keep > 0) renameSync(this.path, `${this.path}.1`);
    else rmSync(this.path, { force: true });
  }
}
