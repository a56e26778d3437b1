import type { Gpu } from '../gpu/open.js';
import { type AutotuneOptions, autotune, cachedChoice, checkDtype, tuneCap } from './autotune.js';
import { defaultConfig, smallProductConfig } from './candidates.js';
import { flopsOf, type KernelDtype, type MatmulKernel, type MatmulShape } from './kernel.js';
import { representativeShape, shapeClass } from './shape-class.js';
import { tiledKernel } from './tiled.js';
import { autotuneByDefault } from './tune-store.js';
import { forAdapter, PROCESS_TUNE_BUDGET_S, TUNE_BUDGET_S } from './tuning-defaults.js';

export interface SelectOptions extends AutotuneOptions {
  /**
   * Tune on a cache miss (default: true unless HETBENCH_AUTOTUNE=off). Without tuning the
   * static default config is used; products under MIN_TUNED_FLOPS are never tuned (launch cost
   * dominates) and get the small-product config (candidates.ts).
   */
  readonly autotune?: boolean;
  /**
   * Seconds of tuning this process may spend in kernelFor over all classes (default
   * PROCESS_TUNE_BUDGET_S: 30 on a software adapter, 120 on a GPU). Past it, new classes get
   * the static default, so a run with many GEMM shapes never spends minutes tuning; cached
   * choices are still used.
   */
  readonly processBudgetS?: number;
}

/** Products below this many FLOPs use the static default: tuning them would cost more than it saves. */
export const MIN_TUNED_FLOPS = 2 * 256 ** 3;

// One choice per device and class for the life of the process, so each class tunes (or reads
// the disk cache) once.
const chosen = new WeakMap<GPUDevice, Map<string, Promise<MatmulKernel>>>();
let tuningSpentS = 0;

/**
 * The kernel `matmul` and everything later use for `shape`: the tuned choice for its shape
 * class (from the disk cache, else tuned now within the budget), else the best static default.
 */
export function kernelFor(
  gpu: Gpu,
  shape: MatmulShape,
  dtype: KernelDtype = 'f32',
  options: SelectOptions = {},
): Promise<MatmulKernel> {
  try {
    checkDtype(gpu, dtype);
  } catch (err) {
    return Promise.reject(err);
  }
  const rep = representativeShape(shape, tuneCap(gpu, options));
  const small = flopsOf(rep) < MIN_TUNED_FLOPS;
  const tune = (options.autotune ?? autotuneByDefault()) && !small;
  const key = `${dtype}:${tune ? shapeClass(rep) : small ? 'small' : 'default'}`;
  let perDevice = chosen.get(gpu.device);
  if (!perDevice) {
    perDevice = new Map();
    chosen.set(gpu.device, perDevice);
  }
  let kernel = perDevice.get(key);
  if (!kernel) {
    const left = (options.processBudgetS ?? forAdapter(PROCESS_TUNE_BUDGET_S, gpu)) - tuningSpentS;
    const fallback = tiledKernel(small ? smallProductConfig(dtype, gpu) : defaultConfig(dtype, gpu));
    if (!tune) kernel = Promise.resolve(fallback);
    // With the process budget spent, a cached choice is still used, but nothing new is tuned.
    else if (left <= 0) kernel = Promise.resolve(cachedChoice(gpu, shape, dtype, options)?.kernel ?? fallback);
    else {
      kernel = autotune(gpu, shape, dtype, {
        ...options,
        budgetS: Math.min(options.budgetS ?? forAdapter(TUNE_BUDGET_S, gpu), left),
      }).then((r) => {
        if (!r.fromCache) tuningSpentS += r.elapsedS;
        return r.kernel;
      });
    }
    // A failed tuning must not stick: the next call tries again.
    kernel.catch(() => perDevice.delete(key));
    perDevice.set(key, kernel);
  }
  return kernel;
}
