import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Two projects, told apart by folder (test/test-layout.test.ts checks the folders):
 *
 * - pure: test/*.test.ts. No GPU, no child process: model, policies, sim, report, specs, and CLI
 *   commands run in-process. Files run side by side, one process each.
 * - device: test/gpu/ (opens the WebGPU adapter in the test process) and test/spawn/ (starts a child
 *   process: the built CLI, node on dist/, Chromium). One file at a time: lavapipe already spreads
 *   GPU work over every core, so running files side by side saved nothing (45.6 s one at a time,
 *   47 s two at a time on 2 cores) and made the timing tests measure each other. It runs after the
 *   pure project (sequence.groupOrder), so nothing else shares the machine with its timing tests.
 *   Its global setup builds dist/ (the spawned CLI runs from there).
 * - browser: test/browser/ (the page `hetbench serve` serves, in Debian's headless Chromium
 *   through playwright-core, on its WebGPU adapter). One file at a time, last: Chromium's
 *   software adapter takes the same cores. Its global setup also builds dist/web.
 */
export default defineConfig({
  test: {
    // Forks (the default): each file gets its own process, so each opens and destroys its own GPU
    // device and no file sees another's process.env or patched stdout.
    pool: 'forks',
    // GPU work on the software adapter is slow; give it room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'pure',
          include: ['test/*.test.ts'],
          fileParallelism: true,
          // Vitest's default is one worker fewer than the cores: on a 2-core runner that is one, and
          // the pure files ran one at a time after all (17 s; 11 s on both cores).
          maxWorkers: availableParallelism(),
          sequence: { groupOrder: 0 },
        },
        // A pure test that reaches the GPU, even through a library call, fails with a message saying
        // where it belongs, instead of sharing the adapter with the files running beside it.
        resolve: {
          alias: { webgpu: fileURLToPath(new URL('./test/helpers/no-gpu-in-pure-tests.ts', import.meta.url)) },
        },
      },
      {
        extends: true,
        test: {
          name: 'device',
          include: ['test/gpu/*.test.ts', 'test/spawn/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          globalSetup: ['test/global-setup.ts', 'test/helpers/web-build-setup.ts'],
        },
      },
    ],
  },
});
