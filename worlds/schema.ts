import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Duration } from './duration.js';

/** The JSON value a world file holds; what `createWorld` also accepts from TypeScript. */
export interface WorldDefinition {
  version?: 1;
  name: string;
  description?: string;
  seed?: number | string;
  filesystem?: FilesystemDefinition;
  network?: NetworkDefinition;
  clock?: ClockDefinition;
  events?: ScheduledEventDefinition[];
  agents?: AgentDefaults;
  limits?: WorldLimitsDefinition;
}

/** The world file's `limits:`; sizes in bytes or strings such as "64M". */
export interface WorldLimitsDefinition {
  files?: number;
  bytes?: number | string;
  largest_file?: number | string;
}

export interface InlineFileDefinition {
  path: string;
  content?: string;
  encoding?: 'utf8' | 'base64';
  mode?: number | string;
}

export interface MountDefinition {
  /** Host directory; relative paths are resolved against the world file's directory. */
  host: string;
  /** Where it appears in the world. */
  at: string;
}

export interface FilesystemDefinition {
  files?: InlineFileDefinition[];
  directories?: string[];
  mounts?: MountDefinition[];
}

export type LatencyDefinition = number | { min: number; max: number };

export interface ResponseDefinition {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  latency_ms?: LatencyDefinition;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ALL';

export interface RouteDefinition extends ResponseDefinition {
  name?: string;
  method?: HttpMethod;
  url: string;
  error_rate?: number;
  error_status?: number;
  sequence?: ResponseDefinition[];
  sequence_end?: 'repeat-last' | 'loop';
  collection?: { id_field?: string; items?: Record<string, unknown>[] };
}

export type NetworkMode = 'mock' | 'allow-list' | 'offline';

export interface NetworkDefinition {
  mode?: NetworkMode;
  allow?: string[];
  routes?: RouteDefinition[];
}

export type ClockMode = 'realtime' | 'scaled' | 'discrete';

export interface ClockDefinition {
  start?: string;
  mode?: ClockMode;
  factor?: number;
}

export interface ScheduledEventDefinition {
  name?: string;
  type: string;
  params?: Record<string, unknown>;
  at?: Duration;
  every?: Duration;
  count?: number;
  after?: string;
  delay?: Duration;
}

export interface AgentDefaults {
  limits?: { memory?: number | string; cpu_quota?: number; max_pids?: number; timeout?: Duration };
  permissions?: string | Record<string, unknown>;
}

/** Where the shipped schema lives: beside this module in the source tree, under worlds/schema/ in the package. */
function readSchema(): Record<string, unknown> {
  const candidates = ['./schema/world.schema.json', '../../worlds/schema/world.schema.json'];
  for (const candidate of candidates) {
    try {
      return JSON.parse(readFileSync(fileURLToPath(new URL(candidate, import.meta.url)), 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error('worlds/schema/world.schema.json is missing from the installation; reinstall clove.');
}

let compiled: { ajv: Ajv2020; world: ValidateFunction; schema: Record<string, unknown> } | undefined;

function schemaState(): { ajv: Ajv2020; world: ValidateFunction; schema: Record<string, unknown> } {
  if (compiled === undefined) {
    const schema = readSchema();
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    const addFormats = addFormatsModule as unknown as (a: Ajv2020) => Ajv2020;
    addFormats(ajv);
    const world = ajv.compile(schema);
    compiled = { ajv, world, schema };
  }
  return compiled;
}

/** The world JSON Schema as shipped (draft 2020-12). */
export function worldSchema(): Readonly<Record<string, unknown>> {
  return schemaState().schema;
}

/** Validates a value against the world schema; returns Ajv's raw errors (empty when valid). */
export function validateAgainstSchema(value: unknown): ErrorObject[] {
  const { world } = schemaState();
  return world(value) ? [] : [...(world.errors ?? [])];
}

/**
 * Validates the params of one event type against the schema's `params.<type>` definition.
 * Returns messages (empty when valid, and always empty for custom events).
 */
const paramChecks = new Map<string, ValidateFunction | null>();

export function validateEventParams(type: string, params: unknown): string[] {
  let check = paramChecks.get(type);
  if (check === undefined) {
    const defName = type === 'agent.kill' || type === 'agent.pause' ? 'params.agent' : `params.${type}`;
    check = schemaState().ajv.getSchema(`https://clove.dev/schemas/world.schema.json#/$defs/${defName}`) ?? null;
    paramChecks.set(type, check);
  }
  if (check === null) return [];
  if (check(params)) return [];
  return (check.errors ?? []).map((e) => describeError(e));
}

/** Turns one Ajv error into "what was expected", with the offending property or allowed values named. */
export function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `must NOT have additional property ${JSON.stringify(params.additionalProperty)}`;
    case 'required':
      return `must have required property ${JSON.stringify(params.missingProperty)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${Array.isArray(params.type) ? (params.type as string[]).join(' or ') : String(params.type)}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'oneOf':
    case 'anyOf': {
      const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
      return typeof description === 'string' ? `must be ${description}` : (error.message ?? 'is invalid');
    }
    default:
      return error.message ?? 'is invalid';
  }
}
