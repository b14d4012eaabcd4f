import { styleText } from 'node:util';
import { CloveError } from '../sdk/errors.js';
import { toWire } from '../sdk/wire-case.js';

/** Exit codes every command shares. */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  NO_KERNEL: 3,
} as const;

/**
 * An error the CLI reports as one line and an exit code, without a stack trace. `code` is the code
 * of the error it words (a kernel's, a bench's) or, without one, `CLI_USAGE` (exit 2) / `CLI_FAILED`.
 */
export class CliError extends CloveError {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.FAILED,
    code?: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(code ?? (exitCode === ExitCode.USAGE ? 'CLI_USAGE' : 'CLI_FAILED'), message, details, options);
  }
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;

export function paint(format: Parameters<typeof styleText>[0], text: string): string {
  return color ? styleText(format, text) : text;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Prints what the kernel answered as JSON in the wire's names (`exit_code`, `state_hash`: the
 * records of docs/protocol.md, the same from any language), not the TypeScript SDK's camelCase.
 */
export function printRecord(value: unknown): void {
  printJson(toWire(value));
}

/** A fixed-width table; columns are sized to their widest cell. */
export function printTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): void {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${paint('bold', line(headers))}\n`);
  for (const r of cells) process.stdout.write(`${line(r)}\n`);
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Time from `since` to `until` (default: now), e.g. `42s`, `3m5s`, `2h10m`. */
export function formatAge(since: number, until?: number | null): string {
  const s = Math.max(0, Math.round(((until ?? Date.now()) - since) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
