import { UsageError } from '../errors.js';
import type { KernelPlan, MatmulKernel, MatmulShape } from './kernel.js';
import { checkGrid } from './naive.js';
import { configName, configProblem, limitProblem, type TiledConfig } from './tiled/config.js';
import { type SubgroupPath, workgroupGrid } from './tiled/layout.js';
import { generateTiledWgsl } from './tiled/wgsl.js';

// The generated matmul family: its configs (tiled/config.ts), its WGSL (tiled/wgsl.ts and the
// loops it composes) and, here, the kernel that plans one config for one shape. This module is
// the family's public face: it re-exports what callers use.
export {
  adapterProblem,
  builtinConfig,
  configName,
  configProblem,
  type GlobalMemory,
  type GlobalTiledConfig,
  invocations,
  limitProblem,
  parseConfigName,
  type RegisterTiling,
  type SubgroupShare,
  type TiledConfig,
  type TiledMemory,
  type WorkgroupMemory,
  type WorkgroupTiledConfig,
  workgroupBytes,
} from './tiled/config.js';
export type { SubgroupPath } from './tiled/layout.js';
export { generateTiledWgsl } from './tiled/wgsl.js';

/** A generated kernel: a MatmulKernel whose WGSL is produced from `config` for each shape. */
export interface TiledKernel extends MatmulKernel {
  readonly config: TiledConfig;
}

/** The kernel of one config. Throws UsageError (field `kernel`) for a malformed config. */
export function tiledKernel(config: TiledConfig): TiledKernel {
  return kernelOf(config, 'checked');
}

/**
 * The kernel of a B-sharing (-sgb) config whose shader always takes its plain fallback path
 * (SubgroupPath 'plain-fallback'). It exists to verify that path, which no common adapter takes
 * on its own; never use it for work. Throws UsageError for a config without B sharing.
 */
export function plainFallbackKernel(config: TiledConfig): TiledKernel {
  if (config.subgroups !== 'b')
    throw new UsageError(
      'kernel',
      configName(config),
      'has no forced plain fallback: only B-sharing (-sgb) configs have one (an -sg config reaches its fallback by layout).',
    );
  return kernelOf(config, 'plain-fallback');
}

function kernelOf(config: TiledConfig, path: SubgroupPath): TiledKernel {
  const name = configName(config);
  const problem = configProblem(config);
  if (problem) throw new UsageError('kernel', name, problem);
  return {
    name,
    dtype: config.dtype,
    config,
    plan(shape: MatmulShape, limits: GPUSupportedLimits): KernelPlan {
      const limit = limitProblem(config, limits);
      if (limit) throw new UsageError('kernel', name, `cannot run on this adapter: ${limit}.`);
      const workgroups = workgroupGrid(config, shape);
      checkGrid(workgroups, limits, shape);
      return {
        label: `${name} ${shape.m}x${shape.n}x${shape.k}`,
        code: generateTiledWgsl(config, shape, path),
        workgroups,
      };
    },
  };
}
