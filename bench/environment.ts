/**
 * The environment block of every results file: Clove version, git commit, Node, OS kernel, CPU,
 * cgroup version and the sandbox backend, so two result files say whether they are comparable.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, hostname, platform, release } from 'node:os';
import { packageInfo } from '../kernel/package-root.js';
import type { EnvironmentInfo } from '../reports/index.js';

/** cgroup v2 when /sys/fs/cgroup is the unified mount, v1 when it holds controller directories. */
export function cgroupVersion(): EnvironmentInfo['cgroup'] {
  if (platform() !== 'linux') return 'none';
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const v1 = existsSync('/sys/fs/cgroup/memory') || existsSync('/sys/fs/cgroup/cpu,cpuacct') || existsSync('/sys/fs/cgroup/pids');
  if (v2 && !v1) return 'v2';
  if (v1 && (v2 || existsSync('/sys/fs/cgroup/unified'))) return 'hybrid';
  if (v1) return 'v1';
  return 'none';
}

/** The commit of the Clove checkout: `GITHUB_SHA`/`CI_COMMIT_SHA` when set, else `git rev-parse HEAD`, else null. */
export function gitCommit(cwd: string = packageInfo().root): string | null {
  const fromEnv = process.env.GITHUB_SHA ?? process.env.CI_COMMIT_SHA;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim() || null;
  } catch {
    return null;
  }
}

function cpuModel(): string {
  const model = cpus()[0]?.model?.trim();
  if (model) return model;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Collects the environment block.
 *
 * @example
 * collectEnvironment({ sandbox: 'namespaces (pid, net) + cgroup v1' });
 */
export function collectEnvironment(options: { sandbox: string }): EnvironmentInfo {
  return {
    clove: packageInfo().version,
    commit: gitCommit(),
    node: process.version,
    os: { platform: platform(), release: release(), arch: arch() },
    cpu: { model: cpuModel(), cores: availableParallelism() },
    cgroup: cgroupVersion(),
    sandbox: options.sandbox,
    hostname: hostname(),
  };
}
