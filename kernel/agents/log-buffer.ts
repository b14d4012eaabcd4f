import type { LogsResponse } from '../../sdk/types.js';
import { Waiters } from '../waiters.js';

type Line = LogsResponse['lines'][number];
const MAX_LINE = 16 * 1024;

/**
 * An agent's captured stdout and stderr as numbered lines, bounded: when full the oldest lines go
 * and `dropped` says how many. Readers follow with `since_seq` and may wait for new lines.
 */
export class LogBuffer {
  private readonly lines: Line[] = [];
  private readonly partial = { stdout: '', stderr: '' };
  private nextSeq = 1;
  private droppedCount = 0;
  private finished = false;
  private readonly readers = new Waiters<true>();

  constructor(private readonly capacity: number) {}

  write(stream: 'stdout' | 'stderr', chunk: Buffer | string): void {
    const text = this.partial[stream] + chunk.toString();
    const parts = text.split('\n');
    let rest = parts.pop() ?? '';
    if (rest.length > MAX_LINE) {
      parts.push(rest);
      rest = '';
    }
    this.partial[stream] = rest;
    for (const part of parts) this.append(stream, part);
    if (parts.length > 0) this.readers.wakeAll(true);
  }

  /** Flushes unterminated output (the process ended). */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.append(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
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
      .filter((stream) => this.partial[stream])
      .map((stream) => ({ seq: this.nextSeq, stream, time: Date.now(), text: this.partial[stream] }));
    return [...this.lines.slice(-n), ...partial];
  }

  get droppedLines(): number {
    return this.droppedCount;
  }

  /** Wakes followers so they can notice the agent is gone. */
  wake(): void {
    this.finished = true;
    this.readers.wakeAll(true);
  }

  private newestSeq(): number {
    return this.nextSeq - 1;
  }

  private append(stream: 'stdout' | 'stderr', text: string): void {
    const clipped = text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}… [line truncated at ${MAX_LINE} chars]` : text;
    this.lines.push({ seq: this.nextSeq++, stream, time: Date.now(), text: clipped });
    if (this.lines.length > this.capacity) {
      this.lines.shift();
      this.droppedCount++;
    }
  }
}
