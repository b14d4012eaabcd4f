/** Number formatting shared by the writers. */

export function percent(x: number, digits = 0): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '-';
}

export function ms(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 60_000) return `${(x / 60_000).toFixed(1)} min`;
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  return `${x.toFixed(x < 10 ? 2 : 0)} ms`;
}

export function bytes(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = x;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function num(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

export function usd(x: number): string {
  return x === 0 ? '$0' : `$${x < 0.01 ? x.toFixed(4) : x.toFixed(2)}`;
}

/** Escapes a cell for a Markdown table (pipes and newlines). */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Shortens text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
