import type { Gpu } from '../gpu/open.js';
import type { PassEncoder } from '../gpu/timer.js';
import type { MatmulKernel, MatmulShape } from '../kernels/kernel.js';
import { type PreparedMatmul, prepareMatmul } from '../kernels/matmul.js';
import { randomMatrix } from '../kernels/random.js';
import { type LocalUnit, wholeUnits } from './local-unit.js';

/** Picks the kernel for one shape (the tuned choice in production, a fixed one in tests). */
export type KernelChooser = (gpu: Gpu, shape: MatmulShape) => Promise<MatmulKernel>;

/**
 * Runs amounts of local work, counted in whole units (see local-unit.ts), as one compute pass
 * of repeated dispatches of the unit's GEMMs. Buffers and pipelines are prepared once; inputs
 * are random (a GPU multiplying zeros draws less power and can run faster than on real data).
 */
export class UnitExecutor {
  private constructor(
    readonly unit: LocalUnit,
    private readonly gemms: readonly PreparedMatmul[],
  ) {}

  static async create(gpu: Gpu, unit: LocalUnit, chooseKernel: KernelChooser): Promise<UnitExecutor> {
    const gemms: PreparedMatmul[] = [];
    for (const g of unit.gemms) {
      const kernel = await chooseKernel(gpu, g.shape);
      const { m, n, k } = g.shape;
      gemms.push(
        await prepareMatmul(gpu, kernel, g.shape, {
          a: randomMatrix(m * k, m + 31 * k),
          b: randomMatrix(k * n, n + 17 * k),
        }),
      );
    }
    await warmUp(gpu, gemms);
    return new UnitExecutor(unit, gemms);
  }

  /** Whole units a fractional amount of work runs as: rounded, and at least one. */
  static wholeUnits(units: number): number {
    return wholeUnits(units);
  }

  /** A pass encoder doing `units` units of work (rounded to whole units). */
  work(units: number): PassEncoder {
    const repeats = UnitExecutor.wholeUnits(units);
    const gemms = this.gemms;
    return (pass) => {
      for (let r = 0; r < repeats; r++) for (const mm of gemms) mm.dispatch(pass);
    };
  }

  destroy(): void {
    for (const mm of this.gemms) mm.destroy();
  }
}

/**
 * Runs freshly prepared GEMMs once, untimed: the first dispatch of a pipeline and the first
 * touch of new buffers pay one-off costs (lazy driver work, page faults) that are no part of
 * a training step and would otherwise land in the first measured step.
 */
async function warmUp(gpu: Gpu, list: readonly PreparedMatmul[]): Promise<void> {
  const encoder = gpu.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (const mm of list) mm.dispatch(pass);
  pass.end();
  gpu.device.queue.submit([encoder.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
}
