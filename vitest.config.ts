import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', '{kernel,sdk,cli,worlds,gym,bench,scenarios,reports,agents,adapters}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most files wait on processes, sockets and kernels rather than the CPU: two at a time on two
    // cores (vitest's default there is one) takes the suite from ~570 s to ~400 s.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
