import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Duration } from './duration.js';
import { WorldError } from './errors.js';

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
  llm?: LlmDefinition;
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
  /** Environment variables every agent of the world gets (a SPAWN's own `env` wins). */
  env?: Record<string, string>;
}

export type LlmFailureKind = 'rate_limit' | 'timeout' | 'malformed' | 'server_error' | 'outage';

export interface LlmToolCallDefinition {
  id?: string;
  name: string;
  arguments?: Record<string, unknown>;
}

/** What the world's LLM answers: text and/or tool calls, or a failure. */
export interface LlmAnswerDefinition {
  reply?: string;
  tool_calls?: LlmToolCallDefinition[];
  finish_reason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  fail?: LlmFailureKind;
  latency_ms?: LatencyDefinition;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export interface LlmMatchDefinition {
  in?: 'last_user' | 'last_message' | 'last_tool' | 'conversation' | 'system' | 'tools';
  json_path?: string;
  contains?: string;
  regex?: string;
  equals?: unknown;
  exists?: boolean;
  not?: boolean;
}

export interface LlmRuleDefinition extends LlmAnswerDefinition {
  name?: string;
  match?: LlmMatchDefinition | LlmMatchDefinition[];
  variants?: LlmAnswerDefinition[];
  sequence?: LlmAnswerDefinition[];
  sequence_end?: 'repeat-last' | 'loop' | 'next-rule';
}

/** The world's LLM (docs/worlds.md#llm). */
export interface LlmDefinition {
  mode?: 'mock' | 'passthrough';
  model?: string;
  latency_ms?: LatencyDefinition;
  error_rate?: number;
  error_kind?: LlmFailureKind;
  timeout_ms?: number;
  rules?: LlmRuleDefinition[];
  default?: LlmAnswerDefinition;
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
  throw new WorldError('INSTALLATION_BROKEN', 'worlds/schema/world.schema.json is missing from the installation; reinstall clove.');
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
  const errors = check.errors ?? [];
  // A oneOf/anyOf says what the parameter must be as a whole; its branches' errors only repeat it.
  const whole = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  return errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || !whole.has(e.instancePath)).map((e) => {
    const name = e.instancePath.slice(1).replace(/\//g, '.');
    return name ? `${name} ${describeError(e)}${exampleOf(name, e)}` : describeError(e);
  });
}

/** How a parameter of the expected type is written as `key=value` (values parse as JSON). */
function exampleOf(name: string, error: ErrorObject): string {
  if (error.keyword !== 'type') return '';
  const type = (error.params as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : [type];
  if (types.includes('array')) return ` (e.g. ${name}='["a.example"]')`;
  if (types.includes('integer') || types.includes('number')) return ` (e.g. ${name}=503)`;
  if (types.includes('boolean')) return ` (e.g. ${name}=true)`;
  if (types.includes('object')) return ` (e.g. ${name}='{"k":1}')`;
  return '';
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
