import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Forks (the default): each file gets its own process, so each opens and destroys its own
    // GPU device. GPU work on the software adapter is slow; give it room.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
