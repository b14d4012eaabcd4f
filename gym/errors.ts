/**
 * Errors of the gym. Each class is a `CloveError` with a stable `code` from the registry
 * (`sdk/protocol/error-codes.ts`); messages say what failed, why and how to fix it.
 */
import { CloveError } from '../sdk/errors.js';
import type { CloveErrorCode } from '../sdk/protocol/error-codes.js';

export { toError } from '../sdk/errors.js';

export class GymError extends CloveError {
  constructor(code: CloveErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options?.details, options);
  }
}

/** An action that does not match the action schema. The episode is left exactly as it was. */
export class InvalidActionError extends GymError {
  /** JSON pointer of the offending field, e.g. `/args/path`. */
  readonly field: string;
  readonly expected: string;
  constructor(field: string, expected: string, received: unknown) {
    super('GYM_ACTION_INVALID', `invalid action: ${field || 'the action'} ${expected} (got ${preview(received)}); the episode is unchanged, send a valid action`);
    this.field = field;
    this.expected = expected;
  }
}

/** step() before reset(), or after the episode ended. */
export class ResetNeededError extends GymError {
  constructor(why: string) {
    super('GYM_RESET_NEEDED', `${why}; call reset() first`);
  }
}

export class EnvClosedError extends GymError {
  constructor(id: string) {
    super('GYM_ENV_CLOSED', `env ${id} is closed; make a new one with make('${id}')`);
  }
}

export class UnknownEnvError extends GymError {
  readonly suggestions: string[];
  constructor(id: string, suggestions: string[], known: number) {
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : known === 0 ? '; nothing is registered (register(spec) or load the built-in scenarios)' : '; run `clove gym list` for the registered ids';
    super('GYM_ENV_NOT_FOUND', `no env registered as '${id}'${hint}`);
    this.suggestions = suggestions;
  }
}

export class EnvSpecError extends GymError {
  constructor(message: string) {
    super('GYM_SPEC_INVALID', message);
  }
}

/** A recorded episode could not be replayed (bad file), distinct from a divergence (a result). */
export class RecordError extends GymError {
  constructor(file: string, line: number, why: string) {
    super('GYM_RECORD_INVALID', `${file}:${line}: ${why}`);
  }
}

export function preview(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
