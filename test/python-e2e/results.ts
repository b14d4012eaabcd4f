/** Results the Python fixtures print as `RESULT <name> <json>` lines, by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Results = Record<string, any>;

export function parseResults(lines: string[]): Results {
  const out: Results = {};
  for (const line of lines) {
    const m = /^RESULT (\S+) (.*)$/.exec(line);
    if (m) out[m[1]!] = JSON.parse(m[2]!);
  }
  return out;
}
