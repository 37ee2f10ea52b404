import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start real servers on loopback; give them room on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most integration files wait on servers, timers and child processes rather than compute:
    // three files at a time keep two cores busy (vitest's default on 2 cores is one at a time).
    maxWorkers: 3,
  },
});
