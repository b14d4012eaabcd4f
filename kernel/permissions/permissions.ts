import { posix } from 'node:path';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { matchGlob } from './glob.js';

export const LEVELS = ['UNRESTRICTED', 'STANDARD', 'SANDBOXED', 'READONLY', 'MINIMAL'] as const;
export type PermissionLevel = (typeof LEVELS)[number];

/** Wire shape of GET_PERMS / SET_PERMS (snake_case). */
export interface PermissionSet {
  level: PermissionLevel;
  paths: {
    read: { allow: string[]; deny: string[] };
    write: { allow: string[]; deny: string[] };
  };
  exec: { allowed: boolean; blocked_commands: string[]; blocked_patterns: string[] };
  http: { allowed: boolean; domains: string[] };
  llm: { allowed: boolean; max_calls: number | null; max_tokens: number | null; weight: number };
}

/** Why a call was allowed or which rule refused it. */
export type Decision = { allowed: true } | { allowed: false; rule: string; reason: string };

export interface PermissionContext {
  /** Replaces `{workspace}` in globs: the agent's working directory. */
  workspace?: string;
  /** Replaces `{state}` in globs: the kernel's state directory. */
  stateDir?: string;
}

/** A permission level or object that does not validate (`field` names where). */
export class PermissionError extends KernelError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(ErrorCode.PERMISSIONS_INVALID, `invalid permissions: ${field}: ${message}`);
  }
}

/** Denied for reading and writing at every level; a permission object can add, not remove, these. */
export const DEFAULT_DENY = [
  '{state}/**',
  '**/.ssh/**',
  '**/.gnupg/**',
  '**/.aws/**',
  '**/.config/gcloud/**',
  '**/.kube/config',
  '**/.docker/config.json',
  '**/.netrc',
  '**/.git-credentials',
  '**/.npmrc',
  '**/.pypirc',
  '**/.env',
  '**/.env.*',
  '**/*.pem',
  '**/*.key',
  '**/id_{rsa,dsa,ecdsa,ed25519}*',
  '**/secrets/**',
  '**/*secret*',
  '**/*credential*',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d/**',
];

export const DEFAULT_BLOCKED_COMMANDS = ['sudo', 'su', 'doas', 'mkfs', 'fdisk', 'parted', 'shutdown', 'reboot', 'halt', 'poweroff', 'init', 'insmod', 'rmmod', 'modprobe', 'mount', 'umount', 'chown', 'passwd', 'useradd', 'userdel', 'visudo', 'crontab', 'iptables', 'nsenter', 'unshare'];

/** Dangerous command patterns: name → regular expression source. */
export const DANGEROUS_PATTERNS: Record<string, string> = {
  'rm -rf /': String.raw`\brm\s+(?:-[a-zA-Z]*\s+|--[a-z-]+\s+)*(?:-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\s+(?:-[a-zA-Z]*\s+|--[a-z-]+\s+)*(?:/|/\*|~|~/|\$HOME)(?:\s|$|;|&|\|)`,
  'fork bomb': String.raw`([A-Za-z_:][\w:]*)\s*\(\)\s*\{[^}]*\1\s*\|\s*\1\s*&`,
  'mkfs': String.raw`\bmkfs(?:\.\w+)?\b`,
  'dd to a device': String.raw`\bdd\b[^;|&]*\bof=/dev/`,
  'write to a block device': String.raw`>\s*/dev/(?:sd|hd|nvme|vd|xvd|mmcblk)`,
  'chmod 777 /': String.raw`\bchmod\s+(?:-R\s+)?0?777\s+/(?:\s|$)`,
  'pipe download to shell': String.raw`\b(?:curl|wget)\b[^|]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b`,
};

type Overrides = {
  paths?: { read?: { allow?: string[]; deny?: string[] }; write?: { allow?: string[]; deny?: string[] } };
  exec?: Partial<PermissionSet['exec']>;
  http?: Partial<PermissionSet['http']>;
  llm?: Partial<PermissionSet['llm']>;
};

function level(name: PermissionLevel): PermissionSet {
  const base: PermissionSet = {
    level: name,
    paths: { read: { allow: ['/**'], deny: [...DEFAULT_DENY] }, write: { allow: ['{workspace}/**', '/tmp/**'], deny: [...DEFAULT_DENY] } },
    exec: { allowed: true, blocked_commands: [...DEFAULT_BLOCKED_COMMANDS], blocked_patterns: Object.keys(DANGEROUS_PATTERNS) },
    http: { allowed: true, domains: ['*'] },
    llm: { allowed: true, max_calls: null, max_tokens: null, weight: 1 },
  };
  switch (name) {
    case 'UNRESTRICTED':
      return { ...base, paths: { read: { allow: ['/**'], deny: ['{state}/**'] }, write: { allow: ['/**'], deny: ['{state}/**'] } }, exec: { allowed: true, blocked_commands: [], blocked_patterns: [] } };
    case 'STANDARD':
      return base;
    case 'SANDBOXED':
      return {
        ...base,
        paths: { read: { allow: ['{workspace}/**', '/tmp/**'], deny: [...DEFAULT_DENY] }, write: { allow: ['{workspace}/**', '/tmp/**'], deny: [...DEFAULT_DENY] } },
        http: { allowed: false, domains: [] },
        llm: { allowed: true, max_calls: 1000, max_tokens: 1_000_000, weight: 1 },
      };
    case 'READONLY':
      return {
        ...base,
        paths: { read: base.paths.read, write: { allow: [], deny: [...DEFAULT_DENY] } },
        exec: { ...base.exec, allowed: false },
        http: { allowed: false, domains: [] },
      };
    case 'MINIMAL':
      return {
        level: name,
        paths: { read: { allow: ['{workspace}/**'], deny: [...DEFAULT_DENY] }, write: { allow: [], deny: [...DEFAULT_DENY] } },
        exec: { ...base.exec, allowed: false },
        http: { allowed: false, domains: [] },
        llm: { allowed: true, max_calls: 10, max_tokens: 10_000, weight: 1 },
      };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(value: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new PermissionError(field ? `${field}.${key}` : key, `unknown field (expected one of ${allowed.join(', ')})`);
  }
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new PermissionError(field, 'expected an array of strings');
  return value as string[];
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new PermissionError(field, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function quota(value: unknown, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new PermissionError(field, `expected a non-negative integer or null, got ${JSON.stringify(value)}`);
  return value;
}

function levelName(value: unknown, field: string): PermissionLevel {
  const name = typeof value === 'string' ? value.toUpperCase() : value;
  if (!LEVELS.includes(name as PermissionLevel)) throw new PermissionError(field, `expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  return name as PermissionLevel;
}

function validatePatterns(patterns: string[], field: string): void {
  patterns.forEach((p, i) => {
    if (p in DANGEROUS_PATTERNS) return;
    try {
      new RegExp(p);
    } catch (error) {
      throw new PermissionError(`${field}[${i}]`, `not a known pattern name nor a valid regular expression (${(error as Error).message})`);
    }
  });
}

/**
 * A level name or a permission object → a full permission set. An object starts from its `level`
 * (default STANDARD); lists of allowed things replace the level's, deny lists add to it.
 *
 * @example
 * resolvePermissions({ level: 'SANDBOXED', http: { allowed: true, domains: ['*.example.com'] } })
 */
export function resolvePermissions(input: string | Record<string, unknown> | PermissionSet | undefined): PermissionSet {
  if (input === undefined) return level('STANDARD');
  if (typeof input === 'string') return level(levelName(input, 'level'));
  if (!isRecord(input)) throw new PermissionError('permissions', 'expected a level name or an object');
  const raw = input as Record<string, unknown>;
  checkKeys(raw, '', ['level', 'paths', 'exec', 'http', 'llm']);
  const out = level(raw['level'] === undefined ? 'STANDARD' : levelName(raw['level'], 'level'));
  const o = raw as Overrides;
  if (raw['paths'] !== undefined) {
    if (!isRecord(raw['paths'])) throw new PermissionError('paths', 'expected an object with read and write');
    checkKeys(raw['paths'], 'paths', ['read', 'write']);
    for (const mode of ['read', 'write'] as const) {
      const rules = (raw['paths'] as Record<string, unknown>)[mode];
      if (rules === undefined) continue;
      if (!isRecord(rules)) throw new PermissionError(`paths.${mode}`, 'expected an object with allow and deny');
      checkKeys(rules, `paths.${mode}`, ['allow', 'deny']);
      if (rules['allow'] !== undefined) out.paths[mode].allow = strings(rules['allow'], `paths.${mode}.allow`);
      if (rules['deny'] !== undefined) out.paths[mode].deny = [...new Set([...out.paths[mode].deny, ...strings(rules['deny'], `paths.${mode}.deny`)])];
    }
  }
  if (o.exec !== undefined) {
    if (!isRecord(o.exec)) throw new PermissionError('exec', 'expected an object');
    checkKeys(o.exec, 'exec', ['allowed', 'blocked_commands', 'blocked_patterns']);
    if (o.exec.allowed !== undefined) out.exec.allowed = bool(o.exec.allowed, 'exec.allowed');
    if (o.exec.blocked_commands !== undefined) out.exec.blocked_commands = [...new Set([...out.exec.blocked_commands, ...strings(o.exec.blocked_commands, 'exec.blocked_commands')])];
    if (o.exec.blocked_patterns !== undefined) {
      const patterns = strings(o.exec.blocked_patterns, 'exec.blocked_patterns');
      validatePatterns(patterns, 'exec.blocked_patterns');
      out.exec.blocked_patterns = [...new Set([...out.exec.blocked_patterns, ...patterns])];
    }
  }
  if (o.http !== undefined) {
    if (!isRecord(o.http)) throw new PermissionError('http', 'expected an object');
    checkKeys(o.http, 'http', ['allowed', 'domains']);
    if (o.http.allowed !== undefined) out.http.allowed = bool(o.http.allowed, 'http.allowed');
    if (o.http.domains !== undefined) out.http.domains = strings(o.http.domains, 'http.domains').map((d) => d.toLowerCase());
  }
  if (o.llm !== undefined) {
    if (!isRecord(o.llm)) throw new PermissionError('llm', 'expected an object');
    checkKeys(o.llm, 'llm', ['allowed', 'max_calls', 'max_tokens', 'weight']);
    if (o.llm.allowed !== undefined) out.llm.allowed = bool(o.llm.allowed, 'llm.allowed');
    if (o.llm.max_calls !== undefined) out.llm.max_calls = quota(o.llm.max_calls, 'llm.max_calls');
    if (o.llm.max_tokens !== undefined) out.llm.max_tokens = quota(o.llm.max_tokens, 'llm.max_tokens');
    if (o.llm.weight !== undefined) {
      const w = o.llm.weight;
      if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0 || w > 1000) throw new PermissionError('llm.weight', `expected a number greater than 0 and at most 1000 (the agent's share of the LLM scheduler), got ${JSON.stringify(w)}`);
      out.llm.weight = w;
    }
  }
  return out;
}

const ALLOW: Decision = { allowed: true };
const deny = (rule: string, reason: string): Decision => ({ allowed: false, rule, reason });

function expand(glob: string, ctx: PermissionContext): string | null {
  if (glob.includes('{workspace}') && !ctx.workspace) return null;
  if (glob.includes('{state}') && !ctx.stateDir) return null;
  return glob.replaceAll('{workspace}', ctx.workspace ?? '').replaceAll('{state}', ctx.stateDir ?? '');
}

/** May the agent read or write `path`? Relative paths resolve against the workspace. Deny wins. */
export function checkPath(perms: PermissionSet, mode: 'read' | 'write', path: string, ctx: PermissionContext = {}): Decision {
  const full = posix.resolve(ctx.workspace ?? '/', path);
  const rules = perms.paths[mode];
  for (let i = 0; i < rules.deny.length; i++) {
    const glob = expand(rules.deny[i]!, ctx);
    if (glob !== null && matchGlob(glob, full)) {
      return deny(`paths.${mode}.deny[${i}] ${rules.deny[i]}`, `${mode} of ${full} is denied by ${rules.deny[i]} (level ${perms.level})`);
    }
  }
  for (const raw of rules.allow) {
    const glob = expand(raw, ctx);
    if (glob !== null && matchGlob(glob, full)) return ALLOW;
  }
  return deny(`paths.${mode}.allow`, `${full} is outside the ${mode} allow list [${rules.allow.join(', ')}] (level ${perms.level})`);
}

/** Program names at the start of each part of a shell command line (`a | b && sudo c` → a, b, sudo). */
export function commandNames(command: string): string[] {
  return command
    .split(/\|\||&&|[;|&\n`]|\$\(/)
    .map((part) => part.trim().replace(/^\(+/, '').split(/\s+/))
    .map((words) => words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? '')
    .filter(Boolean)
    .map((word) => posix.basename(word.replace(/^['"]|['"]$/g, '')));
}

/** May the agent run this EXEC command line? */
export function checkCommand(perms: PermissionSet, command: string): Decision {
  if (!perms.exec.allowed) return deny('exec.allowed', `EXEC is not allowed at level ${perms.level}`);
  for (const name of commandNames(command)) {
    const base = name.split('.')[0] ?? name;
    if (perms.exec.blocked_commands.includes(name) || perms.exec.blocked_commands.includes(base)) {
      return deny(`exec.blocked_commands ${name}`, `command ${name} is blocked`);
    }
  }
  for (const pattern of perms.exec.blocked_patterns) {
    const source = DANGEROUS_PATTERNS[pattern] ?? pattern;
    if (new RegExp(source).test(command)) return deny(`exec.blocked_patterns ${pattern}`, `command matches the dangerous pattern "${pattern}"`);
  }
  return ALLOW;
}

/** May the agent make an HTTP request to this URL? `*.example.com` matches subdomains only. */
export function checkDomain(perms: PermissionSet, url: string): Decision {
  if (!perms.http.allowed) return deny('http.allowed', `HTTP is not allowed at level ${perms.level}`);
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return deny('http.url', `only http and https URLs are allowed, got ${parsed.protocol}`);
    host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return deny('http.url', `not a valid URL: ${url}`);
  }
  for (const domain of perms.http.domains) {
    if (domain === '*' || domain === host || matchGlob(domain, host, '.')) return ALLOW;
  }
  return deny('http.domains', `${host} is not in the domain allow list [${perms.http.domains.join(', ')}]`);
}

export interface LlmUsage {
  /** Calls made so far. */
  calls: number;
  /** Tokens used so far. */
  tokens: number;
  /** Tokens this call may use (e.g. its max_tokens); default 0. */
  requested?: number;
}

/** May the agent make one more THINK call? */
export function checkLlm(perms: PermissionSet, usage: LlmUsage): Decision {
  if (!perms.llm.allowed) return deny('llm.allowed', `THINK is not allowed at level ${perms.level}`);
  if (perms.llm.max_calls !== null && usage.calls >= perms.llm.max_calls) {
    return deny('llm.max_calls', `LLM call quota used up (${usage.calls}/${perms.llm.max_calls} calls)`);
  }
  if (perms.llm.max_tokens !== null && usage.tokens + (usage.requested ?? 0) > perms.llm.max_tokens) {
    return deny('llm.max_tokens', `LLM token quota exceeded (${usage.tokens} used + ${usage.requested ?? 0} requested > ${perms.llm.max_tokens})`);
  }
  return ALLOW;
}
