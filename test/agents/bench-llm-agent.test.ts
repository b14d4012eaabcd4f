import { describe, expect, it } from 'vitest';
import { createGymHost } from '../../bench/gym-host.js';

describe('a bench suite agent of kind llm', () => {
  it('runs the LLM agent loop as an external agent of the episode, with its model and loop settings', async () => {
    const host = await createGymHost();
    try {
      expect(host.agentKinds).toContain('llm');
      const record = await host.run({
        key: 'k',
        scenario: { id: 'think-ticket-reply-v1', tags: [], ref: 'think-ticket-reply-v1' },
        agent: { id: 'my-llm', kind: 'llm', model: 'mock-large', env: { CLOVE_AGENT_MAX_ITERATIONS: '2' } },
        seed: 0,
        repeat: 0,
        limits: {},
        sandbox: { backend: 'none' },
        baseDir: process.cwd(),
        signal: new AbortController().signal,
      });
      // The kernel's mock never calls a tool, so the loop runs out of iterations: the episode ran,
      // asked the model twice, ended normally, and failed its checks.
      const seen = JSON.stringify({ reason: record.reason, error: record.error, metrics: record.metrics, steps: record.steps });
      expect(record.agent).toBe('my-llm');
      expect(record.mode).toBe('external');
      expect(record.metrics.exitCode, seen).toBe(0);
      expect(record.metrics.syscalls.THINK, seen).toBe(2);
      expect(record.success).toBe(false);
    } finally {
      await host.close();
    }
  }, 60_000);
});
