/** Positions of JSON pointers in a YAML document, for file:line:col messages (worlds, scenarios and suites share it). */
import { isMap, isNode, isPair, isScalar, type Document, type LineCounter } from 'yaml';

/** `/agents/1/id` -> ['agents', 1, 'id']. */
export function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

/**
 * The 1-based line and column of the YAML node at `path` (the key of `property` when given), or of
 * the closest ancestor that exists.
 */
export function locateNode(doc: Document, lineCounter: LineCounter, path: Array<string | number>, property?: string): { line: number; column: number } | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!isNode(node)) continue;
    let range = node.range;
    const key = depth === path.length ? property : path[depth];
    if (key !== undefined && isMap(node)) {
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
