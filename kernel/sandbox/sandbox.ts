import { execa } from 'execa';
import { detectCgroups } from './cgroup/detect.js';
import { resolveOptions, type SandboxContext, type SandboxOptions } from './context.js';
import { ensureHelper } from './helper/build.js';
import { ALL_NAMESPACES, NamespacesBackend, type Namespace, type NamespaceSupport } from './namespaces.js';
import { PlainBackend } from './plain.js';
import type { PreparedLaunch, SandboxBackend, SandboxCapabilities, SandboxSpec } from './backend.js';

export type { SandboxOptions } from './context.js';

/** Routes each spec: `sandboxed: false` → `plain`, otherwise → the isolating backend. */
export class Sandbox implements SandboxBackend {
  constructor(
    /** Used for `sandboxed: true`. */
    readonly isolating: SandboxBackend,
    /** Used for `sandboxed: false`. */
    readonly plain: SandboxBackend,
    /** The uid/gid sandboxed agents run as, when it is not the kernel's own (files they must write get this owner). */
    private readonly owner?: { uid: number; gid: number },
  ) {}

  /** Who the agent's processes run as, when not the kernel's own uid (files it must write get this owner). */
  agentOwner(sandboxed = true): { uid: number; gid: number } | undefined {
    if (sandboxed) return this.owner;
    return this.plain instanceof PlainBackend ? (this.plain.agentIds() ?? undefined) : undefined;
  }

  get name(): string {
    return this.isolating.name;
  }

  probe(): SandboxCapabilities {
    return this.isolating.probe();
  }

  prepare(spec: SandboxSpec): Promise<PreparedLaunch> {
    return spec.sandboxed ? this.isolating.prepare(spec) : this.plain.prepare(spec);
  }

  cleanupLeftovers(): Promise<number> {
    return this.isolating.cleanupLeftovers();
  }
}

async function launcherWorks(helper: string, args: string[]): Promise<boolean> {
  const result = await execa(helper, [...args, '--', 'true'], { reject: false, timeout: 10_000, stdin: 'ignore' });
  return result.exitCode === 0;
}

/** Tries every namespace at once, then one by one, so a partly locked-down system keeps what works. */
async function probeNamespaces(helper: string, userns: boolean): Promise<Set<Namespace>> {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const base = userns ? ['--map-uid', String(uid), String(uid), '--map-gid', String(gid), String(gid), '--deny-setgroups'] : [];
  const wanted = ALL_NAMESPACES.filter((n) => n !== 'user');
  const argsFor = (list: readonly Namespace[]): string[] => {
    const ns = userns ? ['user', ...list] : [...list];
    const extra: string[] = [];
    if (list.includes('pid') && list.includes('mnt')) extra.push('--proc');
    if (list.includes('mnt')) extra.push('--hide', '/tmp', '1777', '1m');
    if (list.includes('net')) extra.push('--lo');
    if (list.includes('uts')) extra.push('--hostname', 'clove-probe');
    return ['--ns', ns.join(','), ...base, ...extra];
  };
  if (await launcherWorks(helper, argsFor(wanted))) return new Set<Namespace>(userns ? [...wanted, 'user'] : wanted);
  if (userns && !(await launcherWorks(helper, ['--ns', 'user', ...base]))) return new Set();
  const works = await Promise.all(wanted.map((n) => launcherWorks(helper, argsFor([n]))));
  const set = new Set<Namespace>(wanted.filter((_, i) => works[i]));
  if (set.size > 0 && userns) set.add('user');
  return set;
}

/**
 * Detects what this machine allows (root, launcher, namespaces, cgroup v1/v2) and returns the
 * sandbox the kernel uses for every SPAWN. Never throws for a missing feature: it degrades and
 * says so in `probe().notes` and in each agent's isolation report.
 *
 * @example
 * const sandbox = await selectBackend({ stateDir: '/var/lib/clove' });
 * await sandbox.cleanupLeftovers();
 * const launch = await sandbox.prepare(spec);
 * const child = spawn(launch.command, launch.args, { env: launch.env, cwd: launch.cwd, detached: launch.detached, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
 * await launch.attach(child.pid!);
 * child.on('exit', async () => { const oom = await launch.handle.oomKilled(); await launch.handle.destroy(); });
 */
export async function selectBackend(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const detection =
    options.cgroups === false
      ? { driver: null, reason: 'cgroups disabled by the kernel options' }
      : await detectCgroups({ root: options.cgroupRoot, parentName: options.cgroupParent, removeDir: options.cgroupRemoveDir });
  const build = await ensureHelper({ helperPath: options.helperPath, cacheDir: options.cacheDir });
  const ctx: SandboxContext = {
    options: resolved,
    driver: detection.driver,
    cgroupNote: detection.driver ? detection.reason : `no cgroup limits: ${detection.reason}`,
    helper: build.path,
    helperNote: build.path === null ? build.reason : null,
  };
  const plain = new PlainBackend(ctx);
  if (resolved.mode === 'plain') return new Sandbox(new PlainBackend(ctx, ['sandbox mode is plain: no isolation']), plain);
  if (build.path === null) return new Sandbox(new PlainBackend(ctx, [`no namespaces: ${build.reason}`]), plain);
  const root = process.getuid?.() === 0;
  const notes: string[] = [];
  let support: NamespaceSupport;
  if (resolved.mode === 'userns' || (!root && resolved.mode === 'auto')) {
    support = { available: await probeNamespaces(build.path, true), userns: true };
    if (support.available.size === 0) notes.push('user namespaces are not allowed here (kernel.unprivileged_userns_clone or max_user_namespaces); running with rlimits and no_new_privs only');
  } else {
    support = { available: await probeNamespaces(build.path, false), userns: false };
  }
  support.seccomp = await launcherWorks(build.path, ['--nnp', '--seccomp']);
  if (!support.seccomp) notes.push('no seccomp filter: the launcher could not install it (kernel without seccomp filters, or an architecture other than x86-64/arm64)');
  const missing = ALL_NAMESPACES.filter((n) => n !== 'user' && !support.available.has(n));
  if (missing.length > 0 && support.available.size > 0) notes.push(`namespaces unavailable here: ${missing.join(', ')}`);
  const owner = support.userns ? undefined : { uid: resolved.uid, gid: resolved.gid };
  return new Sandbox(new NamespacesBackend({ ...ctx, helper: build.path }, support, notes), plain, owner);
}
