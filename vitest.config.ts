import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Forks (the default): each file gets its own process, so each opens and destroys its own
    // GPU device. GPU work on the software adapter is slow; give it room.
    pool: 'forks',
    // One file at a time: lavapipe already spreads GPU work over every core, so running files
    // side by side saved nothing (45.6 s one at a time, 47 s two at a time on 2 cores) and made
    // the timing tests measure each other.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
