/** Positions of JSON pointers in a YAML document, for file:line:col messages. */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { locateNode, pointerToPath } from '../../worlds/yaml-position.js';
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

/** The closest YAML node for a pointer: the key of `property` when given, else the value, else an ancestor. */
export function locate(source: YamlSource, pointer: string, property?: string): { line: number | null; column: number | null } {
  return locateNode(source.doc, source.lineCounter, pointerToPath(pointer), property) ?? { line: null, column: null };
}

/** An issue at a pointer of a source (pointer prefixed with `prefix` when the value sits inside the file). */
export function issueAt(source: YamlSource | null, file: string, pointer: string, message: string, options: { prefix?: string; property?: string } = {}): SchemaIssue {
  const full = `${options.prefix ?? ''}${pointer}`;
  const pos = source === null ? { line: null, column: null } : locate(source, full, options.property);
  return { file, line: pos.line, column: pos.column, path: full, message };
}

export { pointerToPath };
