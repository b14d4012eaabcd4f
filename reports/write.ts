/**
 * Writes every report for a results object into a directory — one registry of writers, one file
 * each — and appends the Markdown to `$GITHUB_STEP_SUMMARY` when it is set.
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html/html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { Results } from './results.js';
import { summarise, type ResultsSummary } from './summary.js';

/** One report file: its name and how to render it. */
interface Writer {
  file: string;
  render(results: Results, summary: ResultsSummary): string;
}

const WRITERS: readonly Writer[] = [
  { file: 'results.json', render: (results) => `${JSON.stringify(results, null, 1)}\n` },
  { file: 'report.md', render: (results, summary) => renderMarkdown(results, {}, summary) },
  { file: 'report.html', render: (results, summary) => renderHtml(results, summary) },
  { file: 'junit.xml', render: (results) => renderJunit(results) },
];

/** GitHub caps a step summary at 1 MiB. */
const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** Writes `text` to `path` atomically: a temporary file beside it, then a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export interface WriteReportsOptions {
  /** Append report.md to this file (default: `$GITHUB_STEP_SUMMARY` when set; `null` to skip). */
  stepSummary?: string | null;
  /** Skip results.json (`clove report` re-renders from it and leaves it alone). */
  skipResults?: boolean;
}

/**
 * Writes results.json, report.md, report.html and junit.xml into `dir`; returns the paths written.
 *
 * @example
 * writeReports('bench-out', results);
 */
export function writeReports(dir: string, results: Results, options: WriteReportsOptions = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const summary = summarise(results);
  const written: string[] = [];
  for (const writer of WRITERS) {
    if (options.skipResults && writer.file === 'results.json') continue;
    const path = join(dir, writer.file);
    writeFileAtomic(path, writer.render(results, summary));
    written.push(path);
  }
  const stepSummary = options.stepSummary === undefined ? process.env.GITHUB_STEP_SUMMARY : options.stepSummary;
  if (stepSummary) {
    let md = renderMarkdown(results, {}, summary);
    if (Buffer.byteLength(md) > STEP_SUMMARY_LIMIT - 1024) md = renderMarkdown(results, { maxFailures: 0 }, summary);
    appendFileSync(stepSummary, `${md}\n`);
    written.push(stepSummary);
  }
  return written;
}
