import type { World } from '../../worlds/index.js';
import type { Mailroom } from '../actions/index.js';

type Letter = { from: string; message: unknown };

/**
 * Mailboxes of one in-process episode. Every agent of the episode (the evaluated one and the
 * scripted peers) is a participant of the world clock: it counts as blocked only while it waits in
 * recv, sleep or HTTP, so a discrete clock moves only when everyone waits, and never while the
 * evaluated agent is deciding its next step. `settle()` lets the peers run until each one waits or is done, which is how
 * peer turns interleave deterministically with the evaluated agent's steps.
 */
export class EpisodeMailroom implements Mailroom {
  readonly #boxes = new Map<string, Letter[]>();
  readonly #waiters = new Map<string, (letter: Letter) => void>();
  readonly #state = new Map<string, 'running' | 'blocked' | 'done'>();
  #closed = false;
  readonly #agents: string[];

  constructor(
    private readonly world: World,
    agents: string[],
    private readonly peers: string[] = [],
  ) {
    for (const agent of agents) {
      this.#boxes.set(agent, []);
      world.agentJoined(agent);
    }
    this.#agents = agents;
    for (const peer of peers) {
      this.#boxes.set(peer, []);
      this.#state.set(peer, 'running');
      world.agentJoined(peer);
    }
  }

  get hasPeers(): boolean {
    return this.peers.length > 0;
  }

  peerDone(peer: string): void {
    if (this.#state.get(peer) === 'done') return;
    this.#state.set(peer, 'done');
    this.world.agentLeft(peer);
  }

  blocked(peer: string, blocked: boolean): void {
    if (!this.#state.has(peer) || this.#state.get(peer) === 'done') return;
    this.#state.set(peer, blocked ? 'blocked' : 'running');
  }

  isPeer(agent: string): boolean {
    return this.#state.has(agent);
  }

  send(from: string, to: string, message: unknown): boolean {
    const box = this.#boxes.get(to);
    if (!box) return false;
    const letter = { from, message: structuredClone(message) };
    const waiter = this.#waiters.get(to);
    if (waiter) {
      this.#waiters.delete(to);
      waiter(letter);
    } else box.push(letter);
    return true;
  }

  async recv(agent: string, timeoutMs: number): Promise<Letter | null> {
    // The evaluated agent lets the peers catch up first; a peer does not wait for itself.
    if (!this.isPeer(agent)) await this.settle();
    const box = this.#boxes.get(agent) ?? [];
    if (box.length > 0) return box.shift()!;
    if (timeoutMs === 0 || this.#closed) return null;
    const peer = this.isPeer(agent);
    const stop = new AbortController();
    const arrived = new Promise<Letter>((resolve) => this.#waiters.set(agent, resolve));
    this.world.agentBlocked(agent);
    if (peer) this.blocked(agent, true);
    try {
      const timedOut = this.world.sleep(timeoutMs, { signal: stop.signal }).then(
        () => null,
        () => null,
      );
      return await Promise.race([arrived, timedOut]);
    } finally {
      stop.abort();
      this.#waiters.delete(agent);
      if (peer) this.blocked(agent, false);
      if (!this.#closed) this.world.agentUnblocked(agent);
    }
  }

  /** Yields until every peer waits or has finished (bounded, so a spinning peer cannot hang a step). */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      if (![...this.#state.values()].some((s) => s === 'running')) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.peers) this.peerDone(peer);
    for (const agent of this.#agents) this.world.agentLeft(agent);
  }
}
