import { ErrorCode, type ErrorCodeValue } from '../../sdk/protocol/error-codes.js';
import type { Agent } from '../agents/agent.js';
import type { Args } from '../args.js';
import type { CallSite } from '../caller.js';
import { KernelError } from '../errors.js';
import type { WorldHost } from '../worlds/world-host.js';
import { kernelCredentials } from './credentials.js';
import type { FileSystemView } from './file-system.js';
import { HostFileSystem } from './host-fs.js';
import type { FsView } from './view-walk.js';
import { WorldFileSystem } from './world-fs-view.js';

/** What routing a caller's file syscalls needs from the kernel. */
export interface CallerFilesDeps {
  worlds: WorldHost;
  /** The kernel's state directory: never reachable by file syscalls. */
  stateDir: string;
  /** A permission denial (SYSCALL_BLOCKED + the error naming the rule). */
  denied(site: Pick<CallSite, 'caller' | 'op'>, what: string, rule: string, reason: string, code?: ErrorCodeValue): KernelError;
  /** The uid/gid sandboxed agents run as, when not the kernel's own. */
  agentOwner(): { uid: number; gid: number } | undefined;
}

/** Routes each caller's file syscalls: to its world's tree, or to the host under its permissions and uid. */
export class CallerFiles {
  constructor(private readonly deps: CallerFilesDeps) {}

  /** The filesystem a caller's file syscalls reach: its world's tree, or the host under its permissions. */
  for(site: CallSite, args: Args): FileSystemView {
    const hosted = this.deps.worlds.worldOf(site, args);
    if (hosted) return new WorldFileSystem(hosted);
    const caller = site.caller;
    if (caller.role === 'agent') {
      const agent = caller.agent;
      return new HostFileSystem(
        agent.request.cwd ?? process.cwd(),
        agent.permissions,
        this.deps.stateDir,
        (op, path, rule, reason, code) => this.deps.denied(site, `${op} ${path}`, rule, reason, code),
        () => this.view(agent),
      );
    }
    return new HostFileSystem(process.cwd(), null, this.deps.stateDir, () => {
      throw new Error('operators are not permission-checked');
    });
  }

  /**
   * Where and as whom an agent's file syscalls act: in its own mount namespace when it has one
   * (through `/proc/<pid>/root`, so `/tmp` is its private /tmp), with its uid and gid.
   */
  private view(agent: Agent): FsView {
    const isolation = agent.record.isolation;
    const pid = agent.record.pid;
    let root = '/';
    if (isolation.namespaces.mnt) {
      if (!agent.alive || !pid) throw new KernelError(ErrorCode.AGENT_NOT_RUNNING, `agent '${agent.name}' is not running; its filesystem view exists only while it runs`);
      root = `/proc/${pid}/root`;
    }
    const own = kernelCredentials();
    const uid = isolation.uid ?? own.uid;
    if (uid === own.uid) return { root, creds: own };
    const owner = this.deps.agentOwner();
    // Sandboxed agents drop every supplementary group (setgroups(0)).
    return { root, creds: { uid, gid: owner && owner.uid === uid ? owner.gid : uid, groups: [] } };
  }
}
