import { describe, expect, it } from 'vitest';
import { decideRestart, resolveRestartPolicy, RESTART_DEFAULTS, type ExitFacts, type RestartHistory } from '../../kernel/agents/supervisor.js';

const policy = (overrides: Parameters<typeof resolveRestartPolicy>[0]) => resolveRestartPolicy(overrides);
const fresh = (): RestartHistory => ({ times: [], nextDelayMs: 0 });
const exit = (facts: Partial<ExitFacts>): ExitFacts => ({ exitCode: 1, requested: false, shuttingDown: false, ranMs: 10, now: 1_000_000, ...facts });

describe('resolveRestartPolicy', () => {
  it('fills the fields a SPAWN leaves out and defaults to never', () => {
    expect(resolveRestartPolicy(undefined)).toEqual({ ...RESTART_DEFAULTS, policy: 'never' });
    expect(resolveRestartPolicy({ policy: 'always', max_restarts: 2 })).toEqual({ ...RESTART_DEFAULTS, policy: 'always', max_restarts: 2 });
  });
});

describe('decideRestart', () => {
  it('never restarts while the kernel shuts down or when the stop was asked for, whatever the policy', () => {
    const always = policy({ policy: 'always' });
    expect(decideRestart(always, fresh(), exit({ shuttingDown: true, requested: true }))).toEqual({ action: 'stop', reason: 'shutting-down' });
    expect(decideRestart(always, fresh(), exit({ requested: true }))).toEqual({ action: 'stop', reason: 'requested' });
  });

  it('stops under policy never, and on a clean exit under on-failure', () => {
    expect(decideRestart(policy({ policy: 'never' }), fresh(), exit({ exitCode: 1 }))).toEqual({ action: 'stop', reason: 'policy' });
    expect(decideRestart(policy({ policy: 'on-failure' }), fresh(), exit({ exitCode: 0 }))).toEqual({ action: 'stop', reason: 'clean-exit' });
  });

  it('restarts a failure under on-failure (a signal death has no exit code) and any exit under always', () => {
    expect(decideRestart(policy({ policy: 'on-failure' }), fresh(), exit({ exitCode: 2 }))).toEqual({ action: 'restart', delayMs: 100 });
    expect(decideRestart(policy({ policy: 'on-failure' }), fresh(), exit({ exitCode: null }))).toEqual({ action: 'restart', delayMs: 100 });
    expect(decideRestart(policy({ policy: 'always' }), fresh(), exit({ exitCode: 0 }))).toEqual({ action: 'restart', delayMs: 100 });
  });

  it('backs off by the factor up to the maximum', () => {
    const p = policy({ policy: 'always', backoff_initial_ms: 100, backoff_factor: 3, backoff_max_ms: 1000, max_restarts: 100, window_ms: 1_000_000 });
    const history = fresh();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const d = decideRestart(p, history, exit({ now: 1000 + i }));
      expect(d.action).toBe('restart');
      delays.push((d as { delayMs: number }).delayMs);
    }
    expect(delays).toEqual([100, 300, 900, 1000, 1000]);
    expect(history.times).toEqual([1000, 1001, 1002, 1003, 1004]);
  });

  it('gives up after max_restarts within the window, and forgets restarts older than the window', () => {
    const p = policy({ policy: 'always', max_restarts: 2, window_ms: 1000 });
    const history = fresh();
    expect(decideRestart(p, history, exit({ now: 10_000 })).action).toBe('restart');
    expect(decideRestart(p, history, exit({ now: 10_500 })).action).toBe('restart');
    expect(decideRestart(p, history, exit({ now: 10_900 }))).toEqual({ action: 'give-up', restarts: 2, windowMs: 1000 });
    // 1000 ms after the first restart it has left the window: one more restart is allowed.
    expect(decideRestart(p, history, exit({ now: 11_000 })).action).toBe('restart');
    expect(history.times).toEqual([10_500, 11_000]);
  });

  it('treats a run that stayed up for reset_after_ms as healthy: the backoff and the count start over', () => {
    const p = policy({ policy: 'always', max_restarts: 2, window_ms: 1_000_000, backoff_initial_ms: 50, reset_after_ms: 5000 });
    const history = fresh();
    decideRestart(p, history, exit({ now: 1 }));
    decideRestart(p, history, exit({ now: 2 }));
    expect(history.nextDelayMs).toBe(200);
    expect(decideRestart(p, history, exit({ now: 3, ranMs: 4999 })).action).toBe('give-up');
    expect(decideRestart(p, history, exit({ now: 4, ranMs: 5000 }))).toEqual({ action: 'restart', delayMs: 50 });
    expect(history.times).toEqual([4]);
  });
});
