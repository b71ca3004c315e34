import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/** Unit tests of the client's rune classes (`*.svelte.ts`): they use runes themselves. */
const RUNE_TESTS = 'tests/**/*.svelte.test.ts';

// Separate from client/vite.config.ts so tests do not inherit the client's root.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: integration suites start servers and child processes.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      // Not `exclude`: a project's own `exclude` would replace the command line's (npm test
      // runs `--exclude 'tests/browser/**'`).
      { extends: true, test: { name: 'node', include: ['tests/**/!(*.svelte).test.ts'] } },
      {
        extends: true,
        // Compiled as the browser gets them, against Svelte's client runtime: the server
        // build of a rune class has no reactivity to test.
        plugins: [svelte({ dynamicCompileOptions: () => ({ generate: 'client' }) })],
        ssr: { resolve: { conditions: ['browser'] } },
        test: { name: 'runes', include: [RUNE_TESTS] },
      },
    ],
  },
});
