/**
 * Stands in for the `webgpu` package in the pure test project (vitest.config.ts): a test under
 * test/*.test.ts that opens the adapter, directly or through library code, fails here with where it
 * belongs. GPU tests live in test/gpu/ and run on the real adapter, one file at a time.
 */
const misplaced = (): never => {
  throw new Error(
    'a pure test (test/*.test.ts) opened the WebGPU adapter: move the file to test/gpu/, where GPU tests run one at a time',
  );
};

export const create = (): never => misplaced();

export const globals: Record<string, unknown> = new Proxy({}, { ownKeys: misplaced, get: misplaced, has: misplaced });
