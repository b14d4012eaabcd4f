import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode, type ErrorCodeValue } from '../../sdk/protocol/error-codes.js';
import { CloveError } from '../../sdk/errors.js';
import { KernelError } from '../errors.js';
import { llmFailure } from './failure.js';
import type { Completion, LlmProvider, ThinkRequest } from './provider.js';

/** One line of a recording (JSON lines): a request and what the provider answered. */
export interface RecordedCall {
  key: string;
  request: ThinkRequest;
  response?: Completion;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The identity of a request: sha256 of its canonical JSON (key order and undefined fields do not matter). */
export function requestKey(request: ThinkRequest): string {
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex');
}

/**
 * Writes every request and answer (or failure) of a run to a JSON-lines file, then passes the
 * answer on. Requests hold no credentials (keys live in the provider's client only).
 */
export class RecordingProvider implements LlmProvider {
  readonly name: string;
  readonly concurrency: number | undefined;

  constructor(
    private readonly inner: LlmProvider,
    readonly file: string,
  ) {
    this.name = inner.name;
    this.concurrency = inner.concurrency;
    mkdirSync(dirname(file), { recursive: true });
  }

  async complete(request: ThinkRequest, signal: AbortSignal): Promise<Completion> {
    const key = requestKey(request);
    try {
      const response = await this.inner.complete(request, signal);
      this.write({ key, request, response });
      return response;
    } catch (error) {
      // A call cancelled by its caller says nothing about the model: not part of the run.
      if (!signal.aborted) {
        const e = error as KernelError;
        this.write({ key, request, error: { code: e.code ?? ErrorCode.LLM_FAILED, message: e.message, ...(e.details ? { details: e.details } : {}) } });
      }
      throw error;
    }
  }

  private write(entry: RecordedCall): void {
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}

/**
 * Answers from a recording: the n-th time a request is asked, the n-th recorded answer to it
 * (the last one again past the end), failures included. A request the recording never saw is
 * an LLM_FAILED with `details.kind: "replay_miss"`, never a call to a real model.
 */
export class ReplayProvider implements LlmProvider {
  readonly name = 'replay';
  private readonly answers = new Map<string, RecordedCall[]>();
  private readonly asked = new Map<string, number>();

  constructor(readonly file: string) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CloveError('LLM_NOT_CONFIGURED', `the LLM replay file ${file} cannot be read (${(error as Error).message}); record one first with CLOVE_LLM_RECORD=${file}`, { file }, { cause: error });
    }
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let entry: RecordedCall;
      try {
        entry = JSON.parse(line) as RecordedCall;
      } catch {
        throw new CloveError('LLM_NOT_CONFIGURED', `the LLM replay file ${file} is not JSON lines (line ${i + 1}); was it written by CLOVE_LLM_RECORD?`, { file, line: i + 1 });
      }
      if (typeof entry.key !== 'string' || (!entry.response && !entry.error)) throw new CloveError('LLM_NOT_CONFIGURED', `the LLM replay file ${file}: line ${i + 1} has no key, response or error; was it written by CLOVE_LLM_RECORD?`, { file, line: i + 1 });
      const list = this.answers.get(entry.key) ?? [];
      list.push(entry);
      this.answers.set(entry.key, list);
    });
  }

  get size(): number {
    let n = 0;
    for (const list of this.answers.values()) n += list.length;
    return n;
  }

  async complete(request: ThinkRequest): Promise<Completion> {
    const key = requestKey(request);
    const list = this.answers.get(key);
    if (!list) {
      const last = request.messages.at(-1);
      const text = typeof last?.content === 'string' ? last.content.slice(0, 80) : `[${last?.role ?? 'no'} message]`;
      throw llmFailure(this.name, 'replay_miss', `the recording ${this.file} has no answer for this request (key ${key.slice(0, 12)}, last message ${JSON.stringify(text)}); the run differs from the recorded one — record it again with CLOVE_LLM_RECORD`);
    }
    const n = this.asked.get(key) ?? 0;
    this.asked.set(key, n + 1);
    const entry = list[Math.min(n, list.length - 1)]!;
    if (entry.error) throw new KernelError(entry.error.code as ErrorCodeValue, entry.error.message, entry.error.details);
    return structuredClone(entry.response!);
  }
}
