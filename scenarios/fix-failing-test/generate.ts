import type { GeneratorContext } from '../generator.js';

/** Correct implementations, and for each the bugs a seed can plant. */
export const FUNCTIONS: Record<string, { params: string; body: string; bugs: string[] }> = {
  add: { params: 'a, b', body: 'return a + b;', bugs: ['return a - b;', 'return a + b + 1;'] },
  subtract: { params: 'a, b', body: 'return a - b;', bugs: ['return b - a;', 'return a + b;'] },
  multiply: { params: 'a, b', body: 'return a * b;', bugs: ['return a + b;', 'return a * (b - 1);'] },
  average: { params: 'xs', body: 'return xs.reduce((sum, x) => sum + x, 0) / xs.length;', bugs: ['return xs.reduce((sum, x) => sum + x, 0) / (xs.length - 1);', 'return xs.reduce((sum, x) => sum + x, 1) / xs.length;'] },
  clamp: { params: 'x, lo, hi', body: 'return Math.min(hi, Math.max(lo, x));', bugs: ['return Math.max(hi, Math.min(lo, x));', 'return Math.min(lo, Math.max(hi, x));'] },
};

export function source(bodies: Record<string, string>): string {
  const fns = Object.entries(FUNCTIONS).map(([name, f]) => `function ${name}(${f.params}) {\n  ${bodies[name] ?? f.body}\n}\n`);
  return `'use strict';\n\n${fns.join('\n')}\nmodule.exports = { ${Object.keys(FUNCTIONS).join(', ')} };\n`;
}

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const broken = rng.pick(Object.keys(FUNCTIONS));
  const bug = rng.pick(FUNCTIONS[broken]!.bugs);
  const a = rng.int(3, 60);
  const b = rng.int(3, 60);
  const xs = [rng.int(1, 40), rng.int(1, 40), rng.int(1, 40), rng.int(1, 40)];
  const lo = rng.int(0, 10);
  const hi = lo + rng.int(5, 20);
  const cases: Array<[string, unknown[], number]> = [
    ['add', [a, b], a + b],
    ['subtract', [a, b], a - b],
    ['multiply', [a, b], a * b],
    ['average', [xs], xs.reduce((s, x) => s + x, 0) / xs.length],
    ['clamp', [hi + a, lo, hi], hi],
    ['clamp', [lo - b, lo, hi], lo],
    ['clamp', [lo + 1, lo, hi], lo + 1],
  ];
  const test = [
    "'use strict';",
    "const calc = require('../src/calc.js');",
    `const cases = ${JSON.stringify(cases)};`,
    'let failed = 0;',
    'for (const [fn, args, want] of cases) {',
    '  const got = calc[fn](...args);',
    '  if (got === want) console.log(`ok ${fn}(${JSON.stringify(args).slice(1, -1)})`);',
    '  else { failed++; console.log(`FAIL ${fn}(${JSON.stringify(args).slice(1, -1)}): expected ${want}, got ${got}`); }',
    '}',
    'console.log(`${cases.length - failed} passed, ${failed} failed`);',
    'process.exit(failed === 0 ? 0 : 1);',
    '',
  ].join('\n');
  return { broken, bug, source: source({ [broken]: bug }), test };
}
