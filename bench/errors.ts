/**
 * Errors of the bench layer: each is a `CloveError` with a stable `code` from the registry
 * (`sdk/protocol/error-codes.ts`) and a message that says what failed, why, and how to fix it. The
 * CLI maps `exitCode` to its exit status.
 */
import { CloveError } from '../sdk/errors.js';
import type { CloveErrorCode } from '../sdk/protocol/error-codes.js';

export class BenchError extends CloveError {
  /** 1 failed, 2 bad usage or incompatible inputs. */
  readonly exitCode: number;

  constructor(code: CloveErrorCode, message: string, options?: { cause?: unknown; exitCode?: number; details?: Record<string, unknown> }) {
    super(code, message, options?.details, options);
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** One problem in a suite file, with its position when known. */
export interface SuiteIssue {
  file: string;
  line: number | null;
  column: number | null;
  /** JSON pointer, e.g. `/agents/1/command`. */
  path: string;
  message: string;
}

export function formatSuiteIssue(issue: SuiteIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path || '/'} ${issue.message}`;
}

/** A suite file does not parse, does not match the schema, or names scenarios that do not exist. */
export class SuiteInvalidError extends BenchError {
  readonly issues: readonly SuiteIssue[];

  constructor(file: string, issues: readonly SuiteIssue[]) {
    super(
      'SUITE_INVALID',
      `Suite ${file} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  - ${formatSuiteIssue(i)}`).join('\n')}\n` +
        'Fix the fields listed above; the schema is bench/schema/suite.schema.json (see docs/bench.md).',
      { exitCode: 2 },
    );
    this.issues = issues;
  }
}

/** Two result sets that cannot be compared or merged (different suites, format versions, shards). */
export class IncompatibleResultsError extends BenchError {
  constructor(message: string) {
    super('RESULTS_INCOMPATIBLE', message, { exitCode: 2 });
  }
}

/** `--resume DIR` or `--out DIR` holds results of another suite. */
export class ResumeMismatchError extends BenchError {
  constructor(message: string) {
    super('RESUME_MISMATCH', message, { exitCode: 2 });
  }
}
