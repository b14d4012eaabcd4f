/**
 * Errors of the reports layer. Each is a `CloveError` with a stable `code` from the registry
 * (`sdk/protocol/error-codes.ts`) and a message that says what failed, why and how to fix it.
 */
import { CloveError } from '../sdk/errors.js';
import type { CloveErrorCode } from '../sdk/protocol/error-codes.js';

export class ReportsError extends CloveError {
  constructor(code: CloveErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options?.details, options);
  }
}

/** A results file does not parse, is of another format or version, or does not match the schema. */
export class ResultsInvalidError extends ReportsError {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[], code: 'RESULTS_INVALID' | 'RESULTS_MISSING' | 'RESULTS_VERSION_MISMATCH' = 'RESULTS_INVALID') {
    super(
      code,
      `${file} is not a valid Clove results file:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Results are written by `clove bench run` (schema: reports/schema/results.schema.json); re-run the suite with this Clove version.',
    );
    this.file = file;
    this.problems = problems;
  }
}
