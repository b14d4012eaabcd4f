import type { LogsResponse } from '../../sdk/types.js';
import { Waiters } from '../waiters.js';

type Line = LogsResponse['lines'][number];
type Stream = 'stdout' | 'stderr';
const MAX_LINE = 16 * 1024;
const NEWLINE = 0x0a;
const LINE_OVERHEAD = 64;

/**
 * An agent's captured stdout and stderr as numbered lines, bounded by a line count and by bytes
 * (the agent's log_bytes quota): when full the oldest lines go and `dropped` says how many.
 * Readers follow with `since_seq` and may wait for new lines.
 *
 * Lines are cut from the raw bytes and decoded one by one, so each kept line is its own string:
 * a substring of a 64 KiB read would keep the whole read alive for as long as the line is kept.
 */
export class LogBuffer {
  private readonly lines: Line[] = [];
  private keptBytes = 0;
  private readonly partial: Record<Stream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly partialBytes: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private nextSeq = 1;
  private droppedCount = 0;
  private finished = false;
  private readonly readers = new Waiters<true>();

  constructor(
    private readonly capacity: number,
    private readonly maxBytes: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  write(stream: Stream, chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    let added = false;
    for (let nl = bytes.indexOf(NEWLINE, start); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
      this.hold(stream, bytes.subarray(start, nl));
      this.flushPartial(stream);
      added = true;
      start = nl + 1;
    }
    if (start < bytes.length) {
      this.hold(stream, bytes.subarray(start));
      // An unterminated line longer than the limit is kept as a line of its own.
      if (this.partialBytes[stream] > MAX_LINE) {
        this.flushPartial(stream);
        added = true;
      }
    }
    if (added) this.readers.wakeAll(true);
  }

  /** Flushes unterminated output (the process ended). */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) if (this.partialBytes[stream] > 0) this.flushPartial(stream);
    this.readers.wakeAll(true);
  }

  async read(sinceSeq: number, waitMs: number, signal?: AbortSignal, max = 1000): Promise<Omit<LogsResponse, 'agent_id'>> {
    // Woken by any new line: keep waiting until one at or past sinceSeq arrives, the agent ends, or time is up.
    const deadline = Date.now() + waitMs;
    while (this.newestSeq() < sinceSeq && !this.finished && !signal?.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.readers.wait(left, signal);
    }
    const lines = this.lines.filter((l) => l.seq >= sinceSeq).slice(0, max);
    const next = lines.length > 0 ? lines[lines.length - 1]!.seq + 1 : Math.max(sinceSeq, this.lines[0]?.seq ?? this.nextSeq);
    return { lines, next_seq: Math.min(next, this.nextSeq), dropped: this.droppedCount };
  }

  /** The newest lines, oldest first, partial lines included. */
  tail(n: number): Line[] {
    const partial = (['stdout', 'stderr'] as const)
      .filter((stream) => this.partialBytes[stream] > 0)
      .map((stream) => ({ seq: this.nextSeq, stream, time: Date.now(), text: clip(Buffer.concat(this.partial[stream])) }));
    return [...this.lines.slice(-n), ...partial];
  }

  get droppedLines(): number {
    return this.droppedCount;
  }

  /** Bytes held: kept lines and unterminated output. */
  get bytes(): number {
    return this.keptBytes + this.partialBytes.stdout + this.partialBytes.stderr;
  }

  /** Wakes followers so they can notice the agent is gone. */
  wake(): void {
    this.finished = true;
    this.readers.wakeAll(true);
  }

  private newestSeq(): number {
    return this.nextSeq - 1;
  }

  /** Keeps up to MAX_LINE bytes of an unterminated line (copied: `piece` is a view of a read buffer). */
  private hold(stream: Stream, piece: Buffer): void {
    const room = MAX_LINE + 1 - this.partialBytes[stream];
    if (room <= 0 || piece.length === 0) return;
    const kept = Buffer.from(piece.subarray(0, room));
    this.partial[stream].push(kept);
    this.partialBytes[stream] += kept.length;
  }

  private flushPartial(stream: Stream): void {
    const bytes = this.partial[stream].length === 1 ? this.partial[stream][0]! : Buffer.concat(this.partial[stream]);
    this.partial[stream] = [];
    this.partialBytes[stream] = 0;
    this.append(stream, clip(bytes));
  }

  private append(stream: Stream, text: string): void {
    this.lines.push({ seq: this.nextSeq++, stream, time: Date.now(), text });
    this.keptBytes += text.length + LINE_OVERHEAD;
    const maxBytes = this.maxBytes();
    while (this.lines.length > this.capacity || (this.keptBytes > maxBytes && this.lines.length > 1)) {
      const old = this.lines.shift()!;
      this.keptBytes -= old.text.length + LINE_OVERHEAD;
      this.droppedCount++;
    }
  }
}

/** Decodes a line, cut at MAX_LINE bytes with a note saying so. */
function clip(bytes: Buffer): string {
  if (bytes.length <= MAX_LINE) return bytes.toString('utf8');
  return `${bytes.subarray(0, MAX_LINE).toString('utf8')}… [line truncated at ${MAX_LINE} chars]`;
}
