/** Positions of JSON pointers in a YAML document, for file:line:col messages. */
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { SchemaIssue } from '../../worlds/index.js';

/** A parsed YAML file with what is needed to point into it. */
export interface YamlSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
}

/** Parses YAML; syntax errors come back as issues with positions. */
export function parseYaml(text: string, file: string): { source: YamlSource; value: unknown } | { issues: SchemaIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? null,
        column: e.linePos?.[0]?.col ?? null,
        path: '',
        message: `YAML syntax: ${(e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  return { source: { file, doc, lineCounter }, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
}

export function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

/** The closest YAML node for a path: the key of `property` when given, else the value, else an ancestor. */
export function locate(source: YamlSource, pointer: string, property?: string): { line: number | null; column: number | null } {
  const path = pointerToPath(pointer);
  for (let depth = path.length; depth >= 0; depth--) {
    const at = path.slice(0, depth);
    const node = at.length === 0 ? source.doc.contents : source.doc.getIn(at, true);
    if (!isNode(node)) continue;
    let range = node.range;
    const key = depth === path.length ? property : path[depth];
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (pair !== undefined && isNode(pair.key) && pair.key.range) range = pair.key.range;
    }
    if (range) {
      const pos = source.lineCounter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: null, column: null };
}

/** An issue at a pointer of a source (pointer prefixed with `prefix` when the value sits inside the file). */
export function issueAt(source: YamlSource | null, file: string, pointer: string, message: string, options: { prefix?: string; property?: string } = {}): SchemaIssue {
  const full = `${options.prefix ?? ''}${pointer}`;
  const pos = source === null ? { line: null, column: null } : locate(source, full, options.property);
  return { file, line: pos.line, column: pos.column, path: full, message };
}
