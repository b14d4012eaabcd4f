/** Whether `host` matches one of the patterns: `api.example.com`, `*.example.com`, `*`. */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === '*' || p === host || (p.startsWith('*.') && host.endsWith(p.slice(1))));
}
