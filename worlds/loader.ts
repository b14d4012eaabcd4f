import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { parseDuration } from './duration.js';
import { type SchemaIssue, WorldSchemaError } from './errors.js';
import { describeError, validateAgainstSchema, type WorldDefinition } from './schema.js';

/** A validated world definition and where it came from. */
export interface LoadedWorld {
  definition: WorldDefinition;
  /** The file name used in messages (`<inline>` for definitions given as objects). */
  file: string;
  /** Directory that relative mount paths are resolved against. */
  baseDir: string;
}

function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

/** Finds the closest YAML node for a path: the key of `property` when given, else the value, else an ancestor. */
function locate(doc: Document, lineCounter: LineCounter, path: Array<string | number>, property?: string): { line: number; column: number } | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const at = path.slice(0, depth);
    const node = at.length === 0 ? doc.contents : doc.getIn(at, true);
    if (!isNode(node)) continue;
    let range = node.range;
    if (property !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === property);
      if (pair !== undefined && isNode(pair.key) && pair.key.range) range = pair.key.range;
    } else if (depth < path.length && isMap(node)) {
      // The value is missing or not a node: point at its key when there is one.
      const key = path[depth];
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (pair !== undefined && isNode(pair.key) && pair.key.range) range = pair.key.range;
    }
    if (range) {
      const pos = lineCounter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return null;
}

/** Checks what JSON Schema cannot: `after` names that exist, no zero-delay `after` cycles, unique names. */
function semanticIssues(definition: WorldDefinition): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
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

function collectIssues(value: unknown): Array<{ path: string; message: string; property?: string }> {
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
    const issue = { path: error.instancePath, message: describeError(error), ...(property === undefined ? {} : { property }) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  if (issues.length === 0) issues.push(...semanticIssues(value as WorldDefinition));
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
  const found = collectIssues(value);
  if (found.length > 0) {
    const issues = found.map((issue): SchemaIssue => {
      const pos = locate(doc, lineCounter, pointerToPath(issue.path), issue.property);
      return { file, line: pos?.line ?? null, column: pos?.column ?? null, path: issue.path, message: issue.message };
    });
    throw new WorldSchemaError(file, issues);
  }
  return { definition: value as WorldDefinition, file, baseDir: options.baseDir ?? (options.file ? dirname(resolve(options.file)) : process.cwd()) };
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
  const found = collectIssues(definition);
  if (found.length > 0) {
    throw new WorldSchemaError(
      file,
      found.map((i) => ({ file, line: null, column: null, path: i.path, message: i.message })),
    );
  }
  return { definition: definition as WorldDefinition, file, baseDir: options.baseDir ?? process.cwd() };
}
