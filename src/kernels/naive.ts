import { fillTemplate, readShader } from '../assets.js';
import { UsageError } from '../errors.js';
import type { KernelPlan, MatmulKernel, MatmulShape } from './kernel.js';

const WG_X = 16;
const WG_Y = 16;

/** The plain reference kernel (shaders/matmul-naive.wgsl): one invocation per output element. */
export const naiveKernel: MatmulKernel = {
  name: 'naive',
  dtype: 'f32',
  plan(shape: MatmulShape, limits: GPUSupportedLimits): KernelPlan {
    const workgroups = [Math.ceil(shape.n / WG_X), Math.ceil(shape.m / WG_Y), 1] as const;
    checkGrid(workgroups, limits, shape);
    return {
      label: `naive ${shape.m}x${shape.n}x${shape.k}`,
      code: fillTemplate(readShader('matmul-naive.wgsl'), { M: shape.m, N: shape.n, K: shape.k, WG_X, WG_Y }),
      workgroups,
    };
  },
};

/** Rejects grids past maxComputeWorkgroupsPerDimension, naming the shape's field (`m`, `n` or `k`). */
export function checkGrid(
  workgroups: readonly [number, number, number],
  limits: GPUSupportedLimits,
  shape: MatmulShape,
): void {
  const max = limits.maxComputeWorkgroupsPerDimension;
  const dims = ['n', 'm', 'k'] as const;
  workgroups.forEach((count, i) => {
    if (count > max) {
      const dim = dims[i] ?? 'm';
      throw new UsageError(
        dim,
        shape[dim],
        `needs ${count} workgroups in one dispatch dimension; this adapter allows ${max} (maxComputeWorkgroupsPerDimension). Use a smaller ${dim}.`,
      );
    }
  });
}
