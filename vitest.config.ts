import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores (one on a 2-core machine); many files wait on child
    // processes (the command line, Chromium, PostgreSQL), so as many workers as cores keeps both busy.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ['default'],
  },
});
