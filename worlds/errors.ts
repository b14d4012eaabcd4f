/**
 * Errors of the world engine. Every class is a `CloveError` with a stable `code` from the registry
 * (`sdk/protocol/error-codes.ts`) that travels over the wire unchanged, and a message that says
 * what failed, why, and how to fix it.
 */
import { CloveError } from '../sdk/errors.js';
import type { CloveErrorCode } from '../sdk/protocol/error-codes.js';

export { toError } from '../sdk/errors.js';

/** Base class: every error the world engine throws on purpose is a `WorldError`. */
export class WorldError extends CloveError {
  constructor(code: CloveErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options?.details, options);
  }
}

/** One problem found in a world file, with its position when the YAML node is known. */
export interface SchemaIssue {
  file: string;
  /** 1-based line, or null when the position is unknown (e.g. a missing top-level key). */
  line: number | null;
  /** 1-based column, or null when unknown. */
  column: number | null;
  /** JSON pointer into the document, e.g. `/network/routes/0/status`. */
  path: string;
  /** What was expected there, e.g. `must be integer`. */
  message: string;
}

/** Formats one issue the way compilers do: `file:line:col: path: message`. */
export function formatSchemaIssue(issue: SchemaIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path || '/'} ${issue.message}`;
}

/** A world file does not parse or does not match the schema. Carries every issue found. */
export class WorldSchemaError extends WorldError {
  readonly issues: readonly SchemaIssue[];

  constructor(file: string, issues: readonly SchemaIssue[]) {
    const list = issues.map((i) => `  - ${formatSchemaIssue(i)}`).join('\n');
    super(
      'WORLD_SCHEMA_INVALID',
      `World file ${file} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${list}\n` +
        'Fix the fields listed above; the schema is worlds/schema/world.schema.json (see docs/worlds.md).',
      { details: { issues } },
    );
    this.issues = issues;
  }
}

/** A snapshot buffer is corrupt, truncated, from another program, or of an unknown format version. */
export class WorldSnapshotError extends WorldError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      'WORLD_SNAPSHOT_INVALID',
      `Cannot restore world snapshot: ${reason}. Nothing was changed. ` +
        'Use a file written by World.snapshot() of a compatible Clove version, and check it was copied completely.',
      options,
    );
  }
}

/** A world path tries to leave the world root (`..` above `/`, a symlink out of a mount, a NUL byte). */
export class FsPathEscapeError extends WorldError {
  readonly path: string;

  constructor(path: string, why: string) {
    super(
      'FS_PATH_ESCAPE',
      `Path ${JSON.stringify(path)} escapes the world root: ${why}. ` +
        'World paths are absolute inside the world (e.g. /project/a.txt) and cannot reach the host.',
    );
    this.path = path;
  }
}

/** The path does not exist in the world's merged tree. */
export class FsNotFoundError extends WorldError {
  readonly path: string;

  constructor(path: string, operation: string) {
    super('FS_NOT_FOUND', `${operation} ${path}: no such file or directory in the world. Check the path with readdir().`);
    this.path = path;
  }
}

/** Any other filesystem failure: a file where a directory is expected, a non-empty directory, ... */
export class FsError extends WorldError {
  readonly path: string;
  /** POSIX-style reason: EISDIR, ENOTDIR, ENOTEMPTY, EEXIST, EINVAL. */
  readonly reason: string;

  constructor(path: string, operation: string, reason: string, hint: string) {
    super('FS_ERROR', `${operation} ${path} failed (${reason}): ${hint}`);
    this.path = path;
    this.reason = reason;
  }
}

/** A request was not allowed out of the world: unmatched in mock mode, offline, or a host not allow-listed. */
export class HttpBlockedError extends WorldError {
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, why: string, hint: string, options?: { cause?: unknown }) {
    super('HTTP_BLOCKED', `${method} ${url} was blocked: ${why}. ${hint}`, options);
    this.method = method;
    this.url = url;
  }
}

/** A request failed inside the world: an injected outage, or a real allow-listed request that failed. */
export class HttpFailedError extends WorldError {
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, why: string, options?: { cause?: unknown }) {
    super('HTTP_FAILED', `${method} ${url} failed: ${why}.`, options);
    this.method = method;
    this.url = url;
  }
}

/** An event type is unknown or its params do not match what the type needs. */
export class WorldEventError extends WorldError {
  constructor(type: string, why: string) {
    const unknownType = why === 'the type is unknown';
    super(
      'EVENT_TYPE_INVALID',
      `Event ${JSON.stringify(type)} is invalid: ${why}. ` +
        (unknownType
          ? 'Known types: network.outage, network.latency, network.error, fs.corrupt, fs.write, fs.refused, agent.kill, ' +
            'agent.pause, clock.jump, llm.outage, llm.error_rate, llm.latency, custom (or custom.<anything>); see docs/worlds.md#events.'
          : 'See docs/worlds.md#events for what each type takes.'),
    );
  }
}

/** A call to the world's LLM failed as scripted (rule `fail`, error_rate, or an llm.* event). */
export class LlmFailedError extends WorldError {
  readonly kind: string;
  readonly status: number;
  readonly retryAfterMs: number | undefined;

  constructor(kind: string, status: number, message: string, options: { retryAfterMs?: number } = {}) {
    super('LLM_FAILED', message);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The world was closed or replaced by an in-place restore while something was waiting on it. */
export class WorldClosedError extends WorldError {
  constructor(name: string, why: string) {
    super('WORLD_CLOSED', `World ${JSON.stringify(name)} ${why}; pending sleeps and requests were cancelled.`);
  }
}

/**
 * An in-place restore replaced the world while something waited on it (an agent's SLEEP, a
 * request's latency): the wait ends with this error and the caller goes on in the restored world.
 */
export class WorldRestoredError extends WorldError {
  constructor(name: string) {
    super(
      'WORLD_RESTORED',
      `World ${JSON.stringify(name)} was restored from a snapshot while this call waited; the call was cancelled. ` +
        'The world (files, clock, mocks, state, timeline) is now the snapshot\'s; call again to continue in it.',
    );
  }
}

/**
 * A world limit would be passed (world file `limits:` or the kernel's quotas): `files`, `bytes`,
 * `largest_file`. Nothing was changed.
 */
export class WorldQuotaError extends WorldError {
  declare readonly details: { quota: string; limit: number; requested: number; rule: string };

  constructor(quota: string, limit: number, requested: number, what: string) {
    super(
      'QUOTA_EXCEEDED',
      `${what} would need ${requested} (${quota}), over the world's limit of ${limit}; nothing was changed. ` +
        `Remove files from the world, or raise limits.${quota} in the world file (the kernel's own quota caps it: clove kernel start --quota world_${quota === 'largest_file' ? 'file_bytes' : quota}=N).`,
      { details: { quota: `world_${quota}`, limit, requested, rule: `limits.${quota}` } },
    );
  }
}
