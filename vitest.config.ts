import { defineConfig } from 'vitest/config';

// Separate from client/vite.config.ts so tests do not inherit the client's root.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: integration suites start servers and child processes.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
