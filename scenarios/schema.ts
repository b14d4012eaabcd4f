import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ScenarioError } from './errors.js';
import { PACKAGE_ROOT } from './module.js';

let compiled: { schema: Record<string, unknown>; validate: ValidateFunction } | undefined;

function state(): { schema: Record<string, unknown>; validate: ValidateFunction } {
  if (compiled === undefined) {
    const path = join(PACKAGE_ROOT, 'scenarios', 'schema', 'scenario.schema.json');
    let schema: Record<string, unknown>;
    try {
      schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ScenarioError('INSTALLATION_BROKEN', `${path} cannot be read (${(error as Error).message}); reinstall clove.`, { cause: error });
    }
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(ajv);
    compiled = { schema, validate: ajv.compile(schema) };
  }
  return compiled;
}

/**
 * The scenario JSON Schema (draft 2020-12), as published at scenarios/schema/scenario.schema.json.
 *
 * @example
 * scenarioSchema().$id; // 'https://clove.dev/schemas/scenario.schema.json'
 */
export function scenarioSchema(): Readonly<Record<string, unknown>> {
  return state().schema;
}

/** Validates a value against the scenario schema; Ajv's raw errors (empty when valid). */
export function validateScenarioValue(value: unknown): ErrorObject[] {
  const { validate } = state();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
