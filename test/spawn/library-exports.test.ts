import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('package entry (what `import ... from "hetbench"` gives)', () => {
  it('exports openGpu, matmul and closeGpu by those names, and they multiply correctly', () => {
    // Import the built package by its name, through package.json "exports", as a user would.
    const script = `
      import * as hetbench from 'hetbench';
      const { openGpu, matmul, closeGpu } = hetbench;
      const gpu = await openGpu();
      const c = await matmul(gpu, new Float32Array([1, 0, 0, 1, 2, 3]), new Float32Array([4, 5, 6, 7]), { m: 3, n: 2, k: 2 });
      closeGpu(gpu);
      console.log(JSON.stringify({ types: [typeof openGpu, typeof matmul, typeof closeGpu], c: Array.from(c), isF32: c instanceof Float32Array }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      types: ['function', 'function', 'function'],
      c: [4, 5, 6, 7, 26, 31],
      isF32: true,
    });
  });
});
