import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { locateNode, pointerToPath } from './yaml-position.js';
import { parseDuration } from './duration.js';
import { type SchemaIssue, WorldSchemaError } from './errors.js';
import { worldPath } from './fs/path.js';
import { describeError, validateAgainstSchema, type WorldDefinition } from './schema.js';

/** A validated world definition and where it came from. */
export interface LoadedWorld {
  definition: WorldDefinition;
  /** The file name used in messages (`<inline>` for definitions given as objects). */
  file: string;
  /** Directory that relative mount paths are resolved against. */
  baseDir: string;
}

/** Normalised world path, or null when it is not one (the schema check reports that). */
function safePath(path: string): string | null {
  try {
    return worldPath(path);
  } catch {
    return null;
  }
}

/**
 * What `createWorld` would refuse about the filesystem, found without building it: mount folders
 * that do not exist, a path given twice, a path given as a file and as a directory (or below a file).
 */
function filesystemIssues(definition: WorldDefinition, baseDir: string): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const fs = definition.filesystem ?? {};
  for (const [i, mount] of (fs.mounts ?? []).entries()) {
    const host = resolve(baseDir, mount.host);
    const st = statSync(host, { throwIfNoEntry: false });
    if (!st?.isDirectory()) {
      issues.push({ path: `/filesystem/mounts/${i}/host`, message: `must be an existing host directory: ${host} ${st ? 'is not a directory' : 'does not exist'} (relative paths start at the world file's directory)` });
    }
  }
  const seen = new Map<string, { kind: 'file' | 'directory' | 'mount'; where: string }>();
  const claim = (raw: string, kind: 'file' | 'directory' | 'mount', where: string): void => {
    const path = safePath(raw);
    if (path === null) return;
    const before = seen.get(path);
    if (before) {
      const what = before.kind === kind ? `is given twice (also at ${before.where})` : `is given as a ${kind} here and as a ${before.kind} at ${before.where}`;
      issues.push({ path: where, message: `${JSON.stringify(path)} ${what}` });
      return;
    }
    seen.set(path, { kind, where });
  };
  (fs.files ?? []).forEach((f, i) => claim(f.path, 'file', `/filesystem/files/${i}/path`));
  (fs.directories ?? []).forEach((d, i) => claim(d, 'directory', `/filesystem/directories/${i}`));
  (fs.mounts ?? []).forEach((m, i) => claim(m.at, 'mount', `/filesystem/mounts/${i}/at`));
  // A file cannot have anything below it.
  for (const [path, { kind, where }] of seen) {
    for (let parent = path.slice(0, path.lastIndexOf('/')); parent.length > 0; parent = parent.slice(0, parent.lastIndexOf('/'))) {
      const above = seen.get(parent);
      if (above?.kind === 'file') issues.push({ path: where, message: `${JSON.stringify(path)} lies below ${JSON.stringify(parent)}, which is a file (${above.where}); a ${kind} needs a directory there` });
    }
  }
  return issues;
}

/** Checks what JSON Schema cannot: `after` names that exist, no zero-delay `after` cycles, unique names. */
function semanticIssues(definition: WorldDefinition, baseDir: string): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = filesystemIssues(definition, baseDir);
  const events = definition.events ?? [];
  const byName = new Map<string, number>();
  events.forEach((event, i) => {
    if (event.name === undefined) return;
    if (byName.has(event.name)) issues.push({ path: `/events/${i}/name`, message: `must be unique (also used by /events/${byName.get(event.name)})` });
    else byName.set(event.name, i);
  });
  events.forEach((event, i) => {
    if (event.after !== undefined && !byName.has(event.after)) {
      issues.push({ path: `/events/${i}/after`, message: `must name an event of this world (no event is named ${JSON.stringify(event.after)})` });
    }
    if (event.count !== undefined && event.every === undefined) {
      issues.push({ path: `/events/${i}/count`, message: 'only applies together with every' });
    }
    if (event.every !== undefined && parseDuration(event.every) === 0) {
      issues.push({ path: `/events/${i}/every`, message: 'must be greater than 0' });
    }
  });
  // A chain of `after` links that returns to itself would fire forever at one instant when all delays are 0.
  events.forEach((event, i) => {
    const seen = new Set<number>([i]);
    let current = event;
    let total = parseDuration(current.delay ?? 0) ?? 0;
    while (current.after !== undefined) {
      const next = byName.get(current.after);
      if (next === undefined) break;
      if (seen.has(next)) {
        if (next === i && total === 0) issues.push({ path: `/events/${i}/after`, message: 'forms a cycle of after links with no delay' });
        break;
      }
      seen.add(next);
      current = events[next] as (typeof events)[number];
      total += parseDuration(current.delay ?? 0) ?? 0;
    }
  });
  for (const [i, route] of (definition.network?.routes ?? []).entries()) {
    if (route.collection !== undefined && route.method !== undefined) {
      issues.push({ path: `/network/routes/${i}/method`, message: 'must be omitted on a collection route (it answers GET, POST, PUT, PATCH and DELETE)' });
    }
  }
  return issues;
}

/** Edit distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

function didYouMean(key: string, parentSchema: unknown): string {
  const known = Object.keys((parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
  const best = known.map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
  return best !== undefined && best.d <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean ${JSON.stringify(best.k)}?)` : '';
}

function collectIssues(value: unknown, baseDir: string): Array<{ path: string; message: string; property?: string }> {
  const errors = validateAgainstSchema(value);
  // `if` reports "must match then schema" beside the real error; oneOf/anyOf sub-errors repeat the summary.
  const summaries = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const issues: Array<{ path: string; message: string; property?: string }> = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    const covered = summaries.some(
      (s) => s !== error && error.instancePath === s.instancePath && error.schemaPath.startsWith(`${s.schemaPath}/`),
    );
    if (covered) continue;
    const params = error.params as Record<string, unknown>;
    const property =
      error.keyword === 'additionalProperties' ? String(params.additionalProperty) : undefined;
    const hint = property === undefined ? '' : didYouMean(property, error.parentSchema);
    const issue = { path: error.instancePath, message: `${describeError(error)}${hint}`, ...(property === undefined ? {} : { property }) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  if (issues.length === 0) issues.push(...semanticIssues(value as WorldDefinition, baseDir));
  return issues;
}

/** Deepest nesting a world document may have (a world file needs far less). */
const MAX_DEPTH = 64;

/** How deeply arrays and maps nest in a value, counted without recursion; stops past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, here]);
  }
  return deepest;
}

/** A YAML document the parser refuses to build (an alias bomb, nesting that exhausts the stack): a schema error, not a crash. */
function yamlRefused(file: string, error: unknown): WorldSchemaError {
  const reason = error instanceof RangeError ? 'the document nests too deeply to be read' : error instanceof Error ? error.message : String(error);
  const hint = /alias/i.test(reason) ? ' (more than 100 alias expansions: a YAML "billion laughs" bomb); write the values out instead of repeating aliases' : '';
  return new WorldSchemaError(file, [{ file, line: null, column: null, path: '', message: `YAML: ${reason}${hint}` }]);
}

/**
 * Parses and validates world YAML. Reports every problem at once, each with line and column.
 *
 * @example
 * const { definition } = parseWorldSource('name: demo\nseed: 7\n', { file: 'demo.yaml' });
 */
export function parseWorldSource(source: string, options: { file?: string; baseDir?: string } = {}): LoadedWorld {
  const file = options.file ?? '<inline>';
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(source, { lineCounter });
  } catch (error) {
    throw yamlRefused(file, error);
  }
  if (doc.errors.length > 0) {
    const issues: SchemaIssue[] = doc.errors.map((e) => ({
      file,
      line: e.linePos?.[0]?.line ?? null,
      column: e.linePos?.[0]?.col ?? null,
      path: '',
      message: `YAML syntax: ${(e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "")}`,
    }));
    throw new WorldSchemaError(file, issues);
  }
  let value: unknown;
  try {
    // maxAliasCount stops a "billion laughs" alias bomb; the yaml library throws a ReferenceError for it.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw yamlRefused(file, error);
  }
  const depth = nestingDepth(value, MAX_DEPTH);
  if (depth > MAX_DEPTH) {
    throw new WorldSchemaError(file, [{ file, line: null, column: null, path: '', message: `YAML: the document nests deeper than ${MAX_DEPTH} levels; flatten it` }]);
  }
  const baseDir = options.baseDir ?? (options.file ? dirname(resolve(options.file)) : process.cwd());
  const found = collectIssues(value, baseDir);
  if (found.length > 0) {
    const issues = found.map((issue): SchemaIssue => {
      const pos = locateNode(doc, lineCounter, pointerToPath(issue.path), issue.property);
      return { file, line: pos?.line ?? null, column: pos?.column ?? null, path: issue.path, message: issue.message };
    });
    throw new WorldSchemaError(file, issues);
  }
  return { definition: value as WorldDefinition, file, baseDir };
}

/**
 * Reads, parses and validates a world file.
 *
 * @example
 * const { definition } = loadWorldFile('worlds/examples/flaky-api.yaml');
 */
export function loadWorldFile(path: string): LoadedWorld {
  const source = readFileSync(path, 'utf8');
  return parseWorldSource(source, { file: path, baseDir: dirname(resolve(path)) });
}

/** Validates a definition given as an object (no positions: there is no source text). */
export function validateWorldDefinition(definition: unknown, options: { file?: string; baseDir?: string } = {}): LoadedWorld {
  const file = options.file ?? '<inline>';
  const baseDir = options.baseDir ?? process.cwd();
  const found = collectIssues(definition, baseDir);
  if (found.length > 0) {
    throw new WorldSchemaError(
      file,
      found.map((i) => ({ file, line: null, column: null, path: i.path, message: i.message })),
    );
  }
  return { definition: definition as WorldDefinition, file, baseDir };
}
