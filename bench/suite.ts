/**
 * Suite files: the JSON Schema (bench/schema/suite.schema.json), loading with every problem
 * reported at file:line:col, defaults applied, and the suite hash that tells whether two runs can
 * be compared.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import { parseDuration } from '../worlds/index.js';
import { BenchError, SuiteInvalidError, type SuiteIssue } from './errors.js';
import { locateNode, pointerToPath } from '../worlds/yaml-position.js';

export type AgentKind = 'reference' | 'random' | 'command' | 'module' | 'llm';

/** One agent of a suite, as written (string shorthands expanded). */
export interface SuiteAgent {
  id: string;
  kind: AgentKind;
  /** kind command: argv; relative paths in it are resolved against the suite's directory at run time. */
  command?: string[];
  /** kind module: path of a module whose default export is a ScriptedAgent. */
  path?: string;
  /** kind llm: the model (a price table key). */
  model?: string;
  args?: string[];
  env?: Record<string, string>;
  /** What every episode of this agent must do: `clove bench run` exits 1 when one does not. Default 'any'. */
  expect?: 'any' | 'succeed' | 'fail';
}

/** A scenario selector: an id, a glob over ids, a path, or tags. */
export type ScenarioSelector = string | { tags: string[]; exclude?: string[] };

/** Limits in milliseconds and counts, applied to every agent (gym's ScenarioLimits shape). */
export interface SuiteLimits {
  steps?: number;
  virtualTimeMs?: number;
  wallTimeMs?: number;
  tokens?: number;
  syscalls?: number;
}

export interface SuiteSandbox {
  backend: 'auto' | 'namespaces' | 'none';
  memory?: number | string;
  cpu?: number;
  pids?: number;
}

/** USD per million tokens. */
export interface Price {
  prompt: number;
  completion: number;
}

/** A loaded suite with defaults applied. */
export interface Suite {
  name: string;
  description?: string;
  /** The suite file ('<inline>' for suites given as objects). */
  file: string;
  /** Directory relative paths resolve against. */
  dir: string;
  scenarios: ScenarioSelector[];
  exclude: string[];
  agents: SuiteAgent[];
  seeds: number[];
  repeats: number;
  /** Episodes at once (suite value, else the number of CPU cores). */
  concurrency: number;
  /** Wall-clock limit of one episode, harness included. */
  timeoutMs: number;
  /** Retries of an episode whose harness failed. */
  retries: number;
  limits: SuiteLimits;
  sandbox: SuiteSandbox;
  prices: Record<string, Price>;
  record: boolean;
  /** sha256 of what decides the results (not concurrency, retries or description). */
  hash: string;
}

/** Defaults of every optional suite field, in one place. */
export const SUITE_DEFAULTS = {
  repeats: 1,
  timeoutMs: 120_000,
  retries: 2,
  sandbox: { backend: 'auto' } as SuiteSandbox,
  record: true,
} as const;

interface RawSuite {
  version?: 1;
  name: string;
  description?: string;
  scenarios: ScenarioSelector[];
  exclude?: string[];
  agents: Array<'reference' | 'random' | SuiteAgent>;
  seeds: number[] | { from: number; to: number } | { count: number };
  repeats?: number;
  concurrency?: number;
  timeout?: number | string;
  retries?: number;
  limits?: { steps?: number; virtualTime?: number | string; wallTime?: number | string; tokens?: number; syscalls?: number };
  sandbox?: Partial<SuiteSandbox>;
  prices?: Record<string, Price>;
  record?: boolean;
}

function schemaPath(): string {
  for (const candidate of ['./schema/suite.schema.json', '../../bench/schema/suite.schema.json']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new BenchError('INSTALLATION_BROKEN', 'bench/schema/suite.schema.json is missing from the installation; reinstall clove.');
}

let validate: ValidateFunction | undefined;

/** The suite JSON Schema as shipped (draft 2020-12). */
export function suiteSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaPath(), 'utf8')) as Record<string, unknown>;
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `has an unknown field ${JSON.stringify(p.additionalProperty)}`;
    case 'required':
      return `is missing the required field ${JSON.stringify(p.missingProperty)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function schemaIssues(value: unknown): Array<{ path: string; message: string; property?: string }> {
  validate ??= new Ajv2020({ allErrors: true, strict: false }).compile(suiteSchema());
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  // A oneOf failure lists every branch's errors. When a branch clearly applied (an error deeper
  // down, or a missing/unknown field of the object), keep those; otherwise one summary says what
  // forms are allowed.
  const oneOfPaths = [...new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath))];
  const structural = (e: ErrorObject, at: string) =>
    e.keyword !== 'oneOf' && e.instancePath.startsWith(at) && (e.instancePath !== at || e.keyword === 'required' || e.keyword === 'additionalProperties');
  const keep = errors.filter((e) => {
    const owner = oneOfPaths.filter((p) => e.instancePath === p || (e.keyword === 'oneOf' && e.instancePath === p));
    if (owner.length === 0) return true;
    const at = e.instancePath;
    const precise = errors.some((o) => structural(o, at));
    if (e.keyword === 'oneOf') return !precise;
    return precise && structural(e, at);
  });
  const out: Array<{ path: string; message: string; property?: string }> = [];
  const seen = new Set<string>();
  for (const e of keep) {
    const message = e.keyword === 'oneOf' ? oneOfMessage(e.instancePath) : describe(e);
    const property = e.keyword === 'additionalProperties' ? String((e.params as Record<string, unknown>).additionalProperty) : undefined;
    const key = `${e.instancePath}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.instancePath, message, ...(property === undefined ? {} : { property }) });
  }
  return out;
}

function oneOfMessage(pointer: string): string {
  const path = pointerToPath(pointer);
  const top = path[0];
  if (top === 'seeds') return 'must be a list of seeds, { from, to } or { count }';
  if (top === 'agents') return 'must be "reference", "random" or an agent { id, kind, ... }';
  if (top === 'scenarios') return 'must be a scenario id, glob, path or { tags: [...] }';
  if (path.includes('timeout') || path.includes('virtualTime') || path.includes('wallTime')) return 'must be a duration: milliseconds or a string like 30s, 10m, 1h30m';
  return 'does not match any allowed form';
}

function semanticIssues(raw: RawSuite): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const ids = new Map<string, number>();
  raw.agents.forEach((agent, i) => {
    const id = typeof agent === 'string' ? agent : agent.id;
    const previous = ids.get(id);
    if (previous !== undefined) issues.push({ path: typeof agent === 'string' ? `/agents/${i}` : `/agents/${i}/id`, message: `must be unique (agent ${JSON.stringify(id)} is also /agents/${previous})` });
    else ids.set(id, i);
  });
  if (!Array.isArray(raw.seeds) && 'from' in raw.seeds && raw.seeds.to < raw.seeds.from) {
    issues.push({ path: '/seeds/to', message: `must be >= from (${raw.seeds.from})` });
  }
  return issues;
}

function expandSeeds(seeds: RawSuite['seeds']): number[] {
  if (Array.isArray(seeds)) return [...seeds];
  if ('count' in seeds) return Array.from({ length: seeds.count }, (_, i) => i);
  return Array.from({ length: seeds.to - seeds.from + 1 }, (_, i) => seeds.from + i);
}

/** Canonical JSON: object keys sorted, so the hash does not depend on the order fields were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function resolveSuite(raw: RawSuite, file: string, dir: string): Suite {
  const agents: SuiteAgent[] = raw.agents.map((a) => (typeof a === 'string' ? { id: a, kind: a } : { ...a }));
  const limits: SuiteLimits = {};
  if (raw.limits?.steps !== undefined) limits.steps = raw.limits.steps;
  if (raw.limits?.virtualTime !== undefined) limits.virtualTimeMs = parseDuration(raw.limits.virtualTime) ?? undefined;
  if (raw.limits?.wallTime !== undefined) limits.wallTimeMs = parseDuration(raw.limits.wallTime) ?? undefined;
  if (raw.limits?.tokens !== undefined) limits.tokens = raw.limits.tokens;
  if (raw.limits?.syscalls !== undefined) limits.syscalls = raw.limits.syscalls;
  const base = {
    name: raw.name,
    scenarios: raw.scenarios,
    exclude: raw.exclude ?? [],
    agents,
    seeds: expandSeeds(raw.seeds),
    repeats: raw.repeats ?? SUITE_DEFAULTS.repeats,
    timeoutMs: raw.timeout === undefined ? SUITE_DEFAULTS.timeoutMs : (parseDuration(raw.timeout) ?? SUITE_DEFAULTS.timeoutMs),
    limits,
    sandbox: { ...SUITE_DEFAULTS.sandbox, ...raw.sandbox },
    prices: raw.prices ?? {},
    record: raw.record ?? SUITE_DEFAULTS.record,
  };
  // `expect` is a check on the results, not something that changes them.
  const hashed = { format: 1, ...base, agents: agents.map(({ expect: _expect, ...rest }) => rest) };
  const hash = createHash('sha256').update(canonical(hashed)).digest('hex');
  return {
    ...base,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    file,
    dir,
    concurrency: raw.concurrency ?? Math.max(1, availableParallelism()),
    retries: raw.retries ?? SUITE_DEFAULTS.retries,
    hash,
  };
}

/**
 * Parses and validates suite YAML; every problem is reported at once with its line and column.
 *
 * @example
 * const suite = parseSuite(readFileSync('smoke.yaml', 'utf8'), { file: 'smoke.yaml' });
 */
export function parseSuite(source: string, options: { file?: string; dir?: string } = {}): Suite {
  const file = options.file ?? '<inline>';
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  if (doc.errors.length > 0) {
    throw new SuiteInvalidError(
      file,
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? null,
        column: e.linePos?.[0]?.col ?? null,
        path: '',
        message: `YAML syntax: ${(e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  let found: Array<{ path: string; message: string; property?: string }> = schemaIssues(value);
  if (found.length === 0) found = semanticIssues(value as RawSuite);
  if (found.length > 0) {
    throw new SuiteInvalidError(
      file,
      found.map((issue): SuiteIssue => {
        const pos = locateNode(doc, lineCounter, pointerToPath(issue.path), issue.property);
        return { file, line: pos?.line ?? null, column: pos?.column ?? null, path: issue.path, message: issue.message };
      }),
    );
  }
  return resolveSuite(value as RawSuite, file, options.dir ?? (options.file ? dirname(resolve(options.file)) : process.cwd()));
}

/**
 * Reads and validates a suite file.
 *
 * @example
 * const suite = loadSuite('bench/suites/smoke.yaml');
 */
export function loadSuite(path: string): Suite {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SuiteInvalidError(path, [{ file: path, line: null, column: null, path: '', message: `cannot be read: ${(error as Error).message}` }]);
  }
  return parseSuite(source, { file: path, dir: dirname(resolve(path)) });
}

/** Validates a suite given as an object (no positions). */
export function defineSuite(value: unknown, options: { dir?: string } = {}): Suite {
  let found: Array<{ path: string; message: string }> = schemaIssues(value);
  if (found.length === 0) found = semanticIssues(value as RawSuite);
  if (found.length > 0) throw new SuiteInvalidError('<inline>', found.map((i) => ({ file: '<inline>', line: null, column: null, path: i.path, message: i.message })));
  return resolveSuite(value as RawSuite, '<inline>', options.dir ?? process.cwd());
}
