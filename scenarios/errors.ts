/**
 * Errors of the scenario layer. Each has a stable `code` and a message that says what failed,
 * why, and how to fix it.
 */
import { CloveError } from '../sdk/errors.js';
import type { CloveErrorCode } from '../sdk/protocol/error-codes.js';
import { formatSchemaIssue, type SchemaIssue } from '../worlds/index.js';

export type { SchemaIssue } from '../worlds/index.js';

/** Base class: a `CloveError` with a code from the registry (`sdk/protocol/error-codes.ts`). */
export class ScenarioError extends CloveError {
  constructor(code: CloveErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options?.details, options);
  }
}

/** scenario.yaml (or its world) does not parse or does not match the schema. Carries every issue. */
export class ScenarioSchemaError extends ScenarioError {
  readonly issues: readonly SchemaIssue[];

  constructor(file: string, issues: readonly SchemaIssue[]) {
    const list = issues.map((i) => `  - ${formatSchemaIssue(i)}`).join('\n');
    super(
      'SCENARIO_SCHEMA_INVALID',
      `Scenario ${file} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${list}\n` +
        'Fix the fields listed above; the schema is scenarios/schema/scenario.schema.json (see docs/scenarios.md).',
    );
    this.issues = issues;
  }
}

/** A scenario module (generator, reference, peer, custom check) is missing or does not load. */
export class ScenarioModuleError extends ScenarioError {
  readonly path: string;

  constructor(path: string, why: string, options?: { cause?: unknown }) {
    super('SCENARIO_MODULE_INVALID', `Scenario module ${path} cannot be used: ${why}. Check the path in scenario.yaml (relative to the scenario folder) and the module's exports.`, options);
    this.path = path;
  }
}

/** The generator threw or returned something other than a plain object. */
export class ScenarioGeneratorError extends ScenarioError {
  constructor(scenario: string, seed: number, why: string, options?: { cause?: unknown }) {
    super('SCENARIO_GENERATOR_FAILED', `The generator of ${scenario} failed for seed ${seed}: ${why}. A generator must return a plain object of values, deterministically from ctx.rng.`, options);
  }
}

/** A name asked of the library does not exist. */
export class ScenarioNotFoundError extends ScenarioError {
  constructor(id: string, known: readonly string[]) {
    super('SCENARIO_NOT_FOUND', `No built-in scenario ${JSON.stringify(id)}. Known: ${known.join(', ')}.`);
  }
}
