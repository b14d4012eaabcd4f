import { signalGroup } from '../process-group.js';
import type { CgroupLeaf } from './cgroup/cgroup.js';
import { runExec, type ExecLauncher, type ExecRequest, type ExecResult } from './exec.js';
import type { FreezeMethod, PreparedLaunch, SandboxHandle } from './backend.js';

/** The handle of one agent: its cgroup when it has one, its process group otherwise. */
export class AgentHandle implements SandboxHandle {
  pid: number | null = null;
  private destroyed = false;
  private frozenBy: FreezeMethod | null = null;

  constructor(
    readonly leaf: CgroupLeaf | null,
    private readonly execLauncher: ExecLauncher,
  ) {}

  get cgroupName(): string | null {
    return this.leaf?.name ?? null;
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    return runExec(this.execLauncher, request);
  }

  async stats() {
    return this.leaf ? this.leaf.stats() : null;
  }

  async freeze(): Promise<FreezeMethod> {
    if (this.leaf?.canFreeze) {
      try {
        await this.leaf.freeze();
        this.frozenBy = 'freezer';
        return 'freezer';
      } catch {
        // No freezer on this kernel: fall through to signals.
      }
    }
    signalGroup(this.pid, 'SIGSTOP');
    this.frozenBy = 'signal';
    return 'signal';
  }

  async thaw(): Promise<FreezeMethod> {
    const method = this.frozenBy ?? (this.leaf?.canFreeze ? 'freezer' : 'signal');
    if (method === 'freezer' && this.leaf) await this.leaf.thaw();
    else signalGroup(this.pid, 'SIGCONT');
    this.frozenBy = null;
    return method;
  }

  async killAll(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.leaf) {
      await this.leaf.kill(signal);
      // A stopped process only acts on the signal once continued.
      if (this.frozenBy === 'freezer' && signal !== 'SIGKILL') await this.leaf.thaw();
    } else {
      signalGroup(this.pid, signal);
      if (this.frozenBy === 'signal') signalGroup(this.pid, 'SIGCONT');
    }
  }

  async oomKilled(): Promise<boolean> {
    return this.leaf ? (await this.leaf.oomKills()) > 0 : false;
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.leaf) await this.leaf.remove();
    // The agent has exited, so its pid may be reused: only its process group is signalled.
    else signalGroup(this.pid, 'SIGKILL', true);
  }
}

/** What every backend's launch ends with: spawned in its own process group, the pid recorded on attach. */
export function launchedWith(handle: AgentHandle): Pick<PreparedLaunch, 'detached' | 'handle' | 'attach'> {
  return {
    detached: true,
    handle,
    attach: async (pid) => {
      handle.pid = pid;
    },
  };
}
