import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/** A JSON Schema (2020-12) as plain data. */
export type JsonSchema = Record<string, unknown>;

/** What `sample` draws from: a float in [0, 1) per call (e.g. `WorldRandom`). */
export interface RandomSource {
  next(): number;
}

let shared: Ajv2020 | undefined;
function ajv(): Ajv2020 {
  shared ??= new Ajv2020({ allErrors: false, strict: false });
  return shared;
}

/** One schema problem: the offending field as a JSON pointer and what was expected there. */
export interface SpaceIssue {
  field: string;
  expected: string;
  received: unknown;
}

/**
 * A space described by a JSON Schema: `contains` validates with ajv, `sample` draws a value that
 * validates (strings come from `examples` or `enum` when the schema gives them).
 *
 * @example
 * const space = new Space({ type: 'integer', minimum: 0, maximum: 9 });
 * space.contains(3); // true
 * space.sample(new WorldRandom(1)); // an integer 0..9
 */
export class Space<T = unknown> {
  readonly schema: JsonSchema;
  #validate: ValidateFunction | undefined;

  constructor(schema: JsonSchema) {
    this.schema = schema;
  }

  #validator(): ValidateFunction {
    this.#validate ??= ajv().compile(this.schema);
    return this.#validate;
  }

  contains(value: unknown): value is T {
    return this.#validator()(value) === true;
  }

  /** The first problem of `value`, or null when it is in the space. */
  check(value: unknown): SpaceIssue | null {
    const validate = this.#validator();
    if (validate(value)) return null;
    return describeIssue((validate.errors ?? [])[0], value);
  }

  sample(rng: RandomSource): T {
    return sampleSchema(this.schema, rng, this.schema, 0) as T;
  }

  toJSON(): JsonSchema {
    return this.schema;
  }
}

function at(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function describeIssue(error: ErrorObject | undefined, value: unknown): SpaceIssue {
  if (!error) return { field: '', expected: 'must match the schema', received: value };
  const params = error.params as Record<string, unknown>;
  let field = error.instancePath;
  let expected = error.message ?? 'is invalid';
  switch (error.keyword) {
    case 'required':
      field = `${field}/${String(params.missingProperty)}`;
      expected = 'is required';
      break;
    case 'additionalProperties':
      field = `${field}/${String(params.additionalProperty)}`;
      expected = 'is not an allowed property';
      break;
    case 'enum':
    case 'const':
      expected = `must be one of ${JSON.stringify(params.allowedValues ?? [params.allowedValue])}`;
      break;
    case 'type':
      expected = `must be ${String(params.type)}`;
      break;
    default:
      break;
  }
  return { field, expected, received: error.keyword === 'required' ? undefined : at(value, field) };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

function pick<T>(rng: RandomSource, list: readonly T[]): T {
  return list[Math.floor(rng.next() * list.length)] as T;
}

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  return (at(root, ref.slice(1)) as JsonSchema | undefined) ?? {};
}

function sampleSchema(input: JsonSchema, rng: RandomSource, root: JsonSchema, depth: number): unknown {
  const schema = resolveRef(input, root);
  if ('const' in schema) return structuredClone(schema.const);
  if (Array.isArray(schema.enum)) return structuredClone(pick(rng, schema.enum));
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return structuredClone(pick(rng, schema.examples));
  const branches = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) return sampleSchema(pick(rng, branches), rng, root, depth);
  const type = Array.isArray(schema.type) ? pick(rng, schema.type as string[]) : (schema.type as string | undefined);
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(props)) {
        if (required.has(key) || (depth < 3 && rng.next() < 0.5)) out[key] = sampleSchema(sub, rng, root, depth + 1);
      }
      return out;
    }
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      const max = Math.max(min, Math.min(Number(schema.maxItems ?? min + 3), min + 3));
      const n = min + Math.floor(rng.next() * (max - min + 1));
      const items = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length: depth < 3 ? n : min }, () => sampleSchema(items, rng, root, depth + 1));
    }
    case 'string': {
      const min = Number(schema.minLength ?? 1);
      const max = Math.max(min, Math.min(Number(schema.maxLength ?? 12), 12));
      const n = min + Math.floor(rng.next() * (max - min + 1));
      return Array.from({ length: n }, () => pick(rng, [...LETTERS])).join('');
    }
    case 'integer':
    case 'number': {
      const lo = Number(schema.minimum ?? 0);
      const hi = Number(schema.maximum ?? lo + 1000);
      const x = lo + rng.next() * (hi - lo);
      return type === 'integer' ? Math.min(hi, Math.floor(x)) : x;
    }
    case 'boolean':
      return rng.next() < 0.5;
    case 'null':
      return null;
    default:
      return depth < 2 ? pick(rng, [null, true, 0, 'x']) : null;
  }
}
