import type { PermissionContext, PermissionSet } from './permissions.js';

const GLOB_CHARS = /[*?{}[\]]/;

/** The set with `{workspace}` replaced by the agent's own directory, so it means the same for another agent. */
export function materialise(perms: PermissionSet, ctx: PermissionContext): PermissionSet {
  const fix = (globs: string[]) => globs.map((g) => (ctx.workspace ? g.replaceAll('{workspace}', ctx.workspace) : g));
  const copy = structuredClone(perms);
  for (const mode of ['read', 'write'] as const) {
    copy.paths[mode].allow = fix(copy.paths[mode].allow);
    copy.paths[mode].deny = fix(copy.paths[mode].deny);
  }
  return copy;
}

/** True when every path `inner` matches is matched by `outer` (conservative: false when unsure). */
function pathGlobCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (inner.split('/').includes('..')) return false;
  if (!outer.endsWith('/**')) return false;
  const base = outer.slice(0, -3);
  if (GLOB_CHARS.test(base)) return false;
  return base === '' || inner === base || inner.startsWith(`${base}/`);
}

function domainCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  return outer.startsWith('*.') && inner.endsWith(outer.slice(1));
}

/**
 * What `child` allows beyond `parent` (each agent's `{workspace}` expanded to its own directory),
 * one phrase per excess; empty when `child` is a subset. Conservative: a glob the check cannot
 * prove covered counts as an excess.
 */
export function permissionExcess(parent: PermissionSet, parentCtx: PermissionContext, child: PermissionSet, childCtx: PermissionContext): string[] {
  const p = materialise(parent, parentCtx);
  const c = materialise(child, childCtx);
  const out: string[] = [];
  if (c.level === 'UNRESTRICTED' && p.level !== 'UNRESTRICTED') out.push(`level UNRESTRICTED (the parent has ${p.level})`);
  for (const mode of ['read', 'write'] as const) {
    for (const glob of c.paths[mode].allow) {
      if (!p.paths[mode].allow.some((outer) => pathGlobCovers(outer, glob))) out.push(`paths.${mode}.allow ${glob}`);
    }
    const missing = p.paths[mode].deny.filter((glob) => !c.paths[mode].deny.includes(glob));
    if (missing.length > 0) out.push(`paths.${mode}.deny without ${missing.join(', ')}`);
  }
  if (c.exec.allowed && !p.exec.allowed) out.push('exec.allowed');
  if (c.exec.allowed) {
    const commands = p.exec.blocked_commands.filter((x) => !c.exec.blocked_commands.includes(x));
    if (commands.length > 0) out.push(`exec.blocked_commands without ${commands.join(', ')}`);
    const patterns = p.exec.blocked_patterns.filter((x) => !c.exec.blocked_patterns.includes(x));
    if (patterns.length > 0) out.push(`exec.blocked_patterns without ${patterns.join(', ')}`);
  }
  if (c.http.allowed && !p.http.allowed) out.push('http.allowed');
  if (c.http.allowed && p.http.allowed) {
    for (const domain of c.http.domains) if (!p.http.domains.some((outer) => domainCovers(outer, domain))) out.push(`http.domains ${domain}`);
  }
  if (c.llm.allowed && !p.llm.allowed) out.push('llm.allowed');
  if (c.llm.allowed) {
    for (const key of ['max_calls', 'max_tokens'] as const) {
      const outer = p.llm[key];
      const inner = c.llm[key];
      if (outer !== null && (inner === null || inner > outer)) out.push(`llm.${key} ${inner ?? 'unlimited'} (the parent has ${outer})`);
    }
  }
  return out;
}
