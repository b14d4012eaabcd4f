/**
 * Keeps the copies of the error-code registry (`sdk/protocol/error-codes.ts`) in step with it: the
 * Python constants (`sdk/python/clove_sdk/errors.py`) and the tables of docs/protocol.md#error-codes
 * are generated between `BEGIN GENERATED: error-codes` / `END GENERATED: error-codes` markers.
 *
 *   npm run sync:error-codes            # rewrite both files from the registry
 *   npm run sync:error-codes -- --check # exit 1 and name the files that drifted
 *
 * test/unit/error-codes.test.ts runs the check, so a code added to the registry and not synced
 * fails the tests.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, type RegisteredErrorCode } from '../../sdk/protocol/error-codes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PYTHON_FILE = 'sdk/python/clove_sdk/errors.py';
export const DOCS_FILE = 'docs/protocol.md';
const SOURCE = 'sdk/protocol/error-codes.ts';

/** The constant name of a row in Python: the TypeScript key for wire codes, the code itself otherwise. */
export function pythonName(row: RegisteredErrorCode): string {
  return row.scope === 'connection' || row.scope === 'request' ? row.name : row.code;
}

/** The rows the Python SDK carries: what the kernel sends and what the SDKs raise (library codes never reach it). */
export function pythonRows(): RegisteredErrorCode[] {
  return ERROR_CODES.filter((row) => row.scope !== 'library');
}

export function renderPython(): string {
  const rows = pythonRows();
  const constant = (row: RegisteredErrorCode) => `    ${pythonName(row)} = ${JSON.stringify(row.code)}`;
  const retryable = rows.filter((row) => row.retryable).map((row) => `    ErrorCode.${pythonName(row)},`);
  return [
    `# Generated from ${SOURCE} by \`npm run sync:error-codes\`; do not edit by hand.`,
    'class ErrorCode(object):',
    '    """The kernel\'s stable error codes, plus the SDK\'s own (``CLIENT_*``, ``GYM_NO_TASK``)."""',
    '',
    ...rows.filter((row) => row.scope !== 'client').map(constant),
    '',
    '    # Raised by the SDKs, never sent by the kernel.',
    ...rows.filter((row) => row.scope === 'client').map(constant),
    '',
    '',
    '#: Codes whose call may succeed if made again unchanged (``CloveError.retryable``).',
    'RETRYABLE_CODES = frozenset([',
    ...retryable,
    '])',
  ].join('\n');
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === headers.length - 1 ? 0 : r[i]!.length))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.max(w, 60) : w)).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

const retry = (row: RegisteredErrorCode) => (row.retryable ? 'yes' : 'no');

export function renderDocs(): string {
  const wire = ERROR_CODES.filter((row) => row.scope === 'connection' || row.scope === 'request');
  const client = ERROR_CODES.filter((row) => row.scope === 'client');
  const library = ERROR_CODES.filter((row) => row.scope === 'library');
  return [
    `<!-- Generated from ${SOURCE} by \`npm run sync:error-codes\`; edit the registry, not these tables. -->`,
    '',
    '*retry*: whether the same call, made again unchanged, may succeed (`CloveError.retryable` in both SDKs).',
    '',
    table(
      ['code', 'retry', 'when'],
      wire.map((row) => [`\`${row.code}\``, retry(row), row.scope === 'connection' ? `connection-level: ${row.meaning}` : row.meaning]),
    ),
    '',
    'Raised by the SDKs themselves, never sent by the kernel (TypeScript `ClientErrorCode`, Python `ErrorCode.<code>`, e.g. `ErrorCode.CLIENT_TIMEOUT`):',
    '',
    table(['code', 'retry', 'when'], client.map((row) => [`\`${row.code}\``, retry(row), row.meaning])),
    '',
    'Raised in-process by the libraries, never on the wire (every one a `CloveError`; none is retryable):',
    '',
    table(['code', 'layer', 'when'], library.map((row) => [`\`${row.code}\``, row.layer ?? '', row.meaning])),
  ].join('\n');
}

/** `text` with the region between the markers replaced by `content`; throws when the markers are missing. */
export function replaceRegion(text: string, begin: string, end: string, content: string, file: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`${file}: the markers ${JSON.stringify(begin)} … ${JSON.stringify(end)} are missing; put them back around the generated block`);
  return `${text.slice(0, start + begin.length)}\n${content}\n${text.slice(stop)}`;
}

/** Each generated file: its path, what it holds now, and what the registry says it should hold. */
export function generatedFiles(): Array<{ file: string; current: string; expected: string }> {
  const out: Array<{ file: string; current: string; expected: string }> = [];
  const python = readFileSync(ROOT + PYTHON_FILE, 'utf8');
  out.push({ file: PYTHON_FILE, current: python, expected: replaceRegion(python, '# BEGIN GENERATED: error-codes', '# END GENERATED: error-codes', renderPython(), PYTHON_FILE) });
  const docs = readFileSync(ROOT + DOCS_FILE, 'utf8');
  out.push({ file: DOCS_FILE, current: docs, expected: replaceRegion(docs, '<!-- BEGIN GENERATED: error-codes -->', '<!-- END GENERATED: error-codes -->', renderDocs(), DOCS_FILE) });
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  let drifted = 0;
  for (const { file, current, expected } of generatedFiles()) {
    if (current === expected) continue;
    drifted++;
    if (check) process.stderr.write(`${file} has drifted from ${SOURCE}; run npm run sync:error-codes\n`);
    else {
      writeFileSync(ROOT + file, expected);
      process.stdout.write(`rewrote ${file}\n`);
    }
  }
  process.exitCode = check && drifted > 0 ? 1 : 0;
}
