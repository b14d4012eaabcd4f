/**
 * Errors of the reports layer. Each has a stable `code` and a message that says what failed, why
 * and how to fix it.
 */
export class ReportsError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A results file does not parse, is of another format or version, or does not match the schema. */
export class ResultsInvalidError extends ReportsError {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[], code = 'RESULTS_INVALID') {
    super(
      code,
      `${file} is not a valid Clove results file:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Results are written by `clove bench run` (schema: reports/schema/results.schema.json); re-run the suite with this Clove version.',
    );
    this.file = file;
    this.problems = problems;
  }
}
