import type { Gpu } from '../gpu/open.js';
import type { KernelDtype } from './kernel.js';
import { adapterProblem, builtinConfig, configName, type TiledConfig } from './tiled.js';

/**
 * The candidate space the autotuner searches, best guesses first (a budget cut-off then keeps
 * the likeliest winners). Two families:
 *
 * - software (CPU) adapters such as lavapipe run invocations as SIMD lanes, where every
 *   per-invocation load is a gather: what pays is a register tile small enough to stay in
 *   registers (about 16 accumulators per lane) with vec4 loads and a short unrolled k step.
 *   Workgroup memory does not help there (measured: docs/kernels.md).
 * - GPUs want big workgroup tiles (64x64 to 128x128) staged in double-buffered workgroup
 *   memory with 8x8 or 4x8 register tiles, the classic SGEMM layout that reaches a large
 *   fraction of peak on discrete GPUs.
 *
 * Dropped from the software list to keep tuning short, being 0.5x to 0.9x of the -sgb pick in
 * one run on lavapipe: w64x4-r8x8-v4-k2-sg, w32x8-r8x4-v4-k2-sg, w16x16-r6x4-v4-k2,
 * w64x1-r6x4-v4-k4, and w16x16-r8x8-v4-k1-sg (the same code as -k2-sg whenever K % 4 == 0).
 *
 * Every config listed here is verified by test/tiled-candidates.test.ts on edge shapes.
 */
const SOFTWARE = builtinFamily([
  // B shared through subgroup broadcasts, each invocation on its own rows (1.2x the -sg family on
  // lavapipe at 1024^3, measured: docs/kernels.md)
  'w8x8-r4x28-v4-k4-sgb',
  'w8x8-r4x24-v4-k4-sgb',
  'w16x16-r8x8-v4-k2-sg', // A shared through subgroup broadcasts
  'w8x32-r8x4-v4-k2', // without subgroups
  'w16x16-r8x4-v4-k2',
]);

/**
 * Products too small to tune (under MIN_TUNED_FLOPS, such as the measured run's unit GEMMs, 64
 * to 448 wide) on a software adapter: a block of 64 rows x 16 columns wastes little on such
 * shapes, where the 256 x 28 block of the tuned pick computes clamped copies for most of its
 * rows, and its smaller unrolled body compiles 3x faster. Measured on the 70b run's unit (16
 * GEMMs, one process, interleaved; docs/kernels.md): 1.72x the speed of w8x8-r4x28-v4-k4-sgb and
 * 3.0 s of compiling instead of 9.5 s from an empty shader cache. The second entry is for
 * adapters without subgroups.
 */
const SMALL_SOFTWARE = builtinFamily(['w8x4-r2x16-v4-k4-sgb', 'w16x16-r4x4-v4-k4']);

const GPU = builtinFamily([
  'w16x16-r8x8-v4-s8x2', // 128x128 tile, 8x8 registers, double-buffered
  'w16x16-r4x8-v4-s8x2', // 64x128
  'w16x16-r8x4-v4-s8x2', // 128x64
  'w8x8-r8x8-v4-s8x2', // 64x64, 8x8 registers
  'w16x16-r4x4-v4-k4', // no workgroup memory: relies on the cache hierarchy
  'w16x16-r4x4-v4-s4x1', // single-buffered workgroup memory
]);

/**
 * Every adapter allows 256 invocations (the WebGPU default); this config needs no more and no
 * workgroup memory or subgroups, so it is the default where no candidate fits.
 */
const UNIVERSAL: Readonly<Record<KernelDtype, TiledConfig>> = {
  f32: builtinConfig('f32-w16x16-r8x4-v4-k2'),
  f16: builtinConfig('f16-w16x16-r8x4-v4-k2'),
};

/** What the candidate filter needs to know about an adapter. */
export type AdapterTraits = Pick<Gpu, 'limits' | 'features' | 'info'>;

/** Candidate configs for an adapter and dtype, filtered by its limits and features, best first. */
export function candidateConfigs(dtype: KernelDtype, gpu: AdapterTraits): TiledConfig[] {
  return fitting(
    gpu.info.isFallbackAdapter ? [...SOFTWARE[dtype], ...GPU[dtype]] : [...GPU[dtype], ...SOFTWARE[dtype]],
    gpu,
  );
}

/** The configs of `list` (in order, once each) that the adapter's features and limits allow. */
function fitting(list: readonly TiledConfig[], gpu: AdapterTraits): TiledConfig[] {
  return distinct(list).filter((config) => adapterProblem(config, gpu) === null);
}

/** Every config the autotuner may ever pick on any adapter (for tests). */
export function allCandidateConfigs(dtype: KernelDtype): TiledConfig[] {
  return distinct([...SOFTWARE[dtype], ...GPU[dtype], ...SMALL_SOFTWARE[dtype]]);
}

/**
 * The config for products too small to tune: on a software adapter the first small-product
 * config that fits; on a GPU (not measured yet: no GPU machine was available) the default.
 */
export function smallProductConfig(dtype: KernelDtype, gpu: AdapterTraits): TiledConfig {
  return (gpu.info.isFallbackAdapter ? fitting(SMALL_SOFTWARE[dtype], gpu)[0] : undefined) ?? defaultConfig(dtype, gpu);
}

/** The config used without tuning: the first candidate that fits. */
export function defaultConfig(dtype: KernelDtype, gpu: AdapterTraits): TiledConfig {
  return candidateConfigs(dtype, gpu)[0] ?? UNIVERSAL[dtype];
}

/** First occurrence of each config name, in order. */
function distinct(list: readonly TiledConfig[]): TiledConfig[] {
  const seen = new Set<string>();
  return list.filter((config) => {
    const name = configName(config);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/**
 * A built-in list, named by config names without the dtype (`w8x8-r4x28-v4-k4-sgb`), parsed
 * once per dtype when the module loads: a mistyped name throws there instead of dropping out.
 */
function builtinFamily(tails: readonly string[]): Readonly<Record<KernelDtype, readonly TiledConfig[]>> {
  return {
    f32: tails.map((tail) => builtinConfig(`f32-${tail}`)),
    f16: tails.map((tail) => builtinConfig(`f16-${tail}`)),
  };
}
