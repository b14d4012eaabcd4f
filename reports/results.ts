/**
 * The results file (`results.json`): its types, its schema (reports/schema/results.schema.json,
 * versioned) and reading/validating it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { EpisodeRecord } from '../gym/episode.js';
import { ReportsError, ResultsInvalidError } from './errors.js';

/** `format` of every results file. */
export const RESULTS_FORMAT = 'clove-results';
/** The format version this Clove writes and reads. */
export const RESULTS_VERSION = 1;

/** The machine and software a run had. */
export interface EnvironmentInfo {
  clove: string;
  commit: string | null;
  node: string;
  os: { platform: string; release: string; arch: string };
  cpu: { model: string; cores: number };
  cgroup: 'v1' | 'v2' | 'hybrid' | 'none';
  /** The sandbox backend in force, e.g. `namespaces (pid, net, mnt) + cgroup v1` or `none`. */
  sandbox: string;
  hostname?: string;
}

/** gym's EpisodeRecord and where it sits in the suite. */
export interface EpisodeResult extends EpisodeRecord {
  /** `scenario|agentId|seed|repeat`: pairs episodes across runs. */
  key: string;
  /** The agent's id in the suite (the record's `agent` is gym's label). */
  agentId: string;
  repeat: number;
  suiteHash: string;
  /** Wall time less `metrics.waitingMs`. */
  workingMs: number;
  cost: { usd: number; model: string | null };
  /** 1 + infrastructure retries. */
  attempts: number;
  /** Set when the harness (sandbox, kernel), not the agent, failed on every attempt. */
  infrastructureError?: boolean;
}

/** One micro-benchmark task: latency samples in milliseconds. */
export interface BenchmarkResult {
  key: string;
  group: string;
  name: string;
  samples: number[];
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  opsPerSecond: number;
  error?: string;
}

export interface InfrastructureSummary {
  retries: number;
  failures: number;
  errors?: { key: string; attempt: number; code: string; message: string }[];
}

export interface SuiteInfo {
  name: string;
  hash: string;
  path?: string;
  description?: string;
  /** Episodes in the whole suite, all shards together. */
  episodes?: number;
}

export interface RunInfo {
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  interrupted?: boolean;
  concurrency?: number;
  shard?: { index: number; count: number } | null;
  merged?: string[];
  planned?: number;
  wallMs?: number;
}

/** The whole results file. */
export interface Results {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
  suite: SuiteInfo;
  environment: EnvironmentInfo;
  run: RunInfo;
  infrastructure: InfrastructureSummary;
  episodes: EpisodeResult[];
  benchmarks?: BenchmarkResult[];
}

/** Where the schema lives: beside this module in the source tree, or under reports/schema in the package. */
export function resultsSchemaPath(): string {
  for (const candidate of ['./schema/results.schema.json', '../../reports/schema/results.schema.json']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new ReportsError('INSTALLATION_BROKEN', 'reports/schema/results.schema.json is missing from the installation; reinstall clove.');
}

let validator: ValidateFunction | undefined;

/** The results JSON Schema as shipped (draft 2020-12). */
export function resultsSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(resultsSchemaPath(), 'utf8')) as Record<string, unknown>;
}

/** Problems of a value as a results file (empty when it is valid), each as `path message`. */
export function validateResults(value: unknown): string[] {
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (v.format !== RESULTS_FORMAT) return [`format is ${JSON.stringify(v.format)}, expected "${RESULTS_FORMAT}"`];
    if (v.version !== RESULTS_VERSION) {
      return [`format version ${JSON.stringify(v.version)} is not the version this Clove reads (${RESULTS_VERSION})`];
    }
  }
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(resultsSchema());
  if (validator(value)) return [];
  return (validator.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/**
 * Reads a results file, or `results.json` in a directory, and validates it.
 *
 * @example
 * const results = readResults('bench-out');
 */
export function readResults(path: string): Results {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'results.json') : path;
  if (!existsSync(file)) throw new ResultsInvalidError(file, ['the file does not exist (was the run finished, or is this the right directory?)'], 'RESULTS_MISSING');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ResultsInvalidError(file, [`not JSON: ${(error as Error).message}`]);
  }
  const problems = validateResults(value);
  if (problems.length > 0) {
    const versioned = problems.length === 1 && /^format/.test(problems[0] ?? '');
    throw new ResultsInvalidError(file, problems, versioned ? 'RESULTS_VERSION_MISMATCH' : 'RESULTS_INVALID');
  }
  return value as Results;
}
