import { describe, expect, it } from 'vitest';
import { representativeShape, shapeClass } from '../src/kernels/shape-class.js';

describe('shape classes bucket m, n, k to powers of two so that a training step shares few tunings', () => {
  it.each([
    [{ m: 1000, n: 1000, k: 1000 }, 'm1024-n1024-k1024'],
    [{ m: 1024, n: 1024, k: 1024 }, 'm1024-n1024-k1024'],
    [{ m: 1025, n: 1, k: 3 }, 'm2048-n1-k4'],
    [{ m: 8192, n: 64, k: 1024 }, 'm8192-n64-k1024'],
  ])('%o -> %s', (shape, cls) => {
    expect(shapeClass(shape)).toBe(cls);
  });

  it('tunes on the bucket sizes, capped', () => {
    expect(representativeShape({ m: 1000, n: 3000, k: 17 }, 1024)).toEqual({ m: 1024, n: 1024, k: 32 });
  });
});
